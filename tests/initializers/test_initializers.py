"""Initializers: shapes, dtypes, seeding, statistics, exact values, lookup and configs."""

import math

import numpy as np
import pytest

from lamina import backend, initializers, ops
from lamina.initializers.random import compute_fans
from tests.harness import check_config_roundtrip

RANDOM = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotUniform,
    initializers.GlorotNormal,
    initializers.HeUniform,
    initializers.HeNormal,
    initializers.LecunUniform,
    initializers.LecunNormal,
    initializers.Orthogonal,
]
ALL = [*RANDOM, initializers.Zeros, initializers.Ones, initializers.Constant,
       initializers.Identity]  # fmt: skip


def _np(x):
    return np.asarray(ops.convert_to_numpy(x), np.float64)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [None, "float64", "float16"])
def test_shape_and_dtype(cls, dtype):
    init = cls(seed=1) if cls in RANDOM else cls()
    out = init((6, 4), dtype=dtype)
    assert tuple(ops.shape(out)) == (6, 4)
    assert ops.dtype(out) == (dtype or backend.floatx())


@pytest.mark.parametrize("cls", RANDOM, ids=lambda c: c.__name__)
def test_int_seed_repeats_and_differs_between_seeds(cls):
    first, again = _np(cls(seed=3)((5, 4))), _np(cls(seed=3)((5, 4)))
    np.testing.assert_array_equal(first, again)
    init = cls(seed=3)
    np.testing.assert_array_equal(_np(init((5, 4))), _np(init((5, 4))))  # seeded: same each call
    assert not np.array_equal(first, _np(cls(seed=4)((5, 4))))


@pytest.mark.parametrize("cls", RANDOM, ids=lambda c: c.__name__)
def test_unseeded_draws_differ_but_follow_the_global_seed(cls):
    backend.engine.random.set_global_seed(9)
    init = cls()
    first, second = _np(init((5, 4))), _np(init((5, 4)))
    assert not np.array_equal(first, second)
    backend.engine.random.set_global_seed(9)
    np.testing.assert_array_equal(_np(cls()((5, 4))), first)


@pytest.mark.parametrize("cls", RANDOM, ids=lambda c: c.__name__)
def test_bad_seed_raises(cls):
    with pytest.raises(ValueError, match="seed"):
        cls(seed="seven")


@pytest.mark.parametrize(
    ("shape", "fans"),
    [((), (1, 1)), ((7,), (7, 7)), ((3, 5), (3, 5)), ((3, 3, 4, 8), (36, 72)),
     ((2, 5, 6), (10, 12))],
)  # fmt: skip
def test_compute_fans(shape, fans):
    assert compute_fans(shape) == fans


SHAPE = (3, 3, 40, 60)  # a conv kernel: fan_in = 360, fan_out = 540
FAN = {"fan_in": 360.0, "fan_out": 540.0, "fan_avg": 450.0}


@pytest.mark.parametrize(
    ("init", "variance"),
    [
        (initializers.GlorotUniform(seed=1), 1 / FAN["fan_avg"]),
        (initializers.GlorotNormal(seed=1), 1 / FAN["fan_avg"]),
        (initializers.HeUniform(seed=1), 2 / FAN["fan_in"]),
        (initializers.HeNormal(seed=1), 2 / FAN["fan_in"]),
        (initializers.LecunUniform(seed=1), 1 / FAN["fan_in"]),
        (initializers.LecunNormal(seed=1), 1 / FAN["fan_in"]),
        (initializers.VarianceScaling(3.0, "fan_out", "untruncated_normal", seed=1), 3 / 540),
        (initializers.VarianceScaling(0.5, "fan_avg", "uniform", seed=1), 0.5 / 450),
        (initializers.VarianceScaling(2.0, "fan_in", "normal", seed=1), 2 / 360),
        (initializers.RandomNormal(0.0, 0.2, seed=1), 0.04),
        (initializers.RandomUniform(-0.3, 0.3, seed=1), 0.36 / 12),
        (initializers.TruncatedNormal(0.0, 0.2, seed=1), (0.2 * 0.8796256610342398) ** 2),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, float) else "",
)
def test_variance_matches_fan(init, variance):
    values = _np(init(SHAPE))
    assert abs(values.mean()) < 4 * math.sqrt(variance / values.size) + 1e-4
    assert values.var() == pytest.approx(variance, rel=0.05)


def test_uniform_bounds():
    values = _np(initializers.GlorotUniform(seed=2)((50, 70)))
    limit = math.sqrt(6 / 120)
    assert values.min() >= -limit
    assert values.max() <= limit
    assert values.max() > 0.9 * limit


def test_truncated_normal_bounds():
    values = _np(initializers.TruncatedNormal(mean=1.0, stddev=0.1, seed=2)((100, 100)))
    assert values.min() >= 0.8 - 1e-6
    assert values.max() <= 1.2 + 1e-6
    assert values.mean() == pytest.approx(1.0, abs=0.005)


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (5, 5), (2, 3, 8)])
def test_orthogonal(shape):
    values = _np(initializers.Orthogonal(gain=2.0, seed=5)(shape))
    assert values.shape == shape
    flat = values.reshape(-1, shape[-1])
    rows, cols = flat.shape
    if rows >= cols:  # orthonormal columns
        np.testing.assert_allclose(flat.T @ flat, 4.0 * np.eye(cols), atol=1e-5)
    else:  # orthonormal rows
        np.testing.assert_allclose(flat @ flat.T, 4.0 * np.eye(rows), atol=1e-5)


def test_orthogonal_needs_two_dims():
    with pytest.raises(ValueError, match="at least 2"):
        initializers.Orthogonal()((5,))


def test_exact_initializers():
    np.testing.assert_array_equal(_np(initializers.Zeros()((2, 3))), np.zeros((2, 3)))
    np.testing.assert_array_equal(_np(initializers.Ones()((2, 3))), np.ones((2, 3)))
    np.testing.assert_array_equal(_np(initializers.Constant(0.5)((2, 3))), np.full((2, 3), 0.5))
    np.testing.assert_array_equal(_np(initializers.Identity(3.0)((3, 4))), 3.0 * np.eye(3, 4))
    np.testing.assert_array_equal(_np(initializers.Identity()((4, 2))), np.eye(4, 2))
    assert ops.dtype(initializers.Constant(2)((2,), dtype="int32")) == "int32"


def test_identity_needs_a_matrix():
    with pytest.raises(ValueError, match="2-D"):
        initializers.Identity()((2, 2, 2))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"scale": 0.0}, "scale"), ({"mode": "fan_sum"}, "mode"),
     ({"distribution": "cauchy"}, "distribution")],
)  # fmt: skip
def test_variance_scaling_validates(kwargs, match):
    with pytest.raises(ValueError, match=match):
        initializers.VarianceScaling(**kwargs)


ALIASES = {
    "zeros": initializers.Zeros, "ones": initializers.Ones, "constant": initializers.Constant,
    "identity": initializers.Identity, "random_normal": initializers.RandomNormal,
    "random_uniform": initializers.RandomUniform,
    "truncated_normal": initializers.TruncatedNormal,
    "variance_scaling": initializers.VarianceScaling,
    "glorot_uniform": initializers.GlorotUniform, "glorot_normal": initializers.GlorotNormal,
    "he_uniform": initializers.HeUniform, "he_normal": initializers.HeNormal,
    "lecun_uniform": initializers.LecunUniform, "lecun_normal": initializers.LecunNormal,
    "orthogonal": initializers.Orthogonal, "GlorotUniform": initializers.GlorotUniform,
}  # fmt: skip


@pytest.mark.parametrize(("alias", "cls"), sorted(ALIASES.items()))
def test_get_by_alias(alias, cls):
    assert type(initializers.get(alias)) is cls


def _configured(cls):
    special = {
        initializers.Constant: {"value": 1.5},
        initializers.Identity: {"gain": 2.0},
        initializers.RandomNormal: {"mean": 0.1, "stddev": 0.3, "seed": 4},
        initializers.RandomUniform: {"minval": -1.0, "maxval": 2.0, "seed": 4},
        initializers.TruncatedNormal: {"mean": 0.1, "stddev": 0.3, "seed": 4},
        initializers.VarianceScaling: {"scale": 2.0, "mode": "fan_out",
                                       "distribution": "uniform", "seed": 4},
        initializers.Orthogonal: {"gain": 0.5, "seed": 4},
    }  # fmt: skip
    if cls in special:
        return cls(**special[cls])
    return cls(seed=4) if cls in RANDOM else cls()


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_config_round_trip(cls):
    init = _configured(cls)
    clone = check_config_roundtrip(init)
    assert type(clone) is cls
    assert clone.get_config() == init.get_config()
    rebuilt = initializers.get(initializers.serialize(init))
    assert type(rebuilt) is cls
    assert rebuilt.get_config() == init.get_config()
    np.testing.assert_array_equal(_np(rebuilt((3, 4))), _np(init((3, 4))))
    assert init.clone().get_config() == init.get_config()


def test_get_by_keras_config():
    config = {"module": "keras.initializers", "class_name": "HeNormal", "config": {"seed": 7},
              "registered_name": None}  # fmt: skip
    init = initializers.get(config)
    assert isinstance(init, initializers.HeNormal)
    assert init.seed == 7


def test_get_passes_through_instances_callables_and_none():
    init = initializers.Ones()
    assert initializers.get(init) is init
    assert initializers.get(None) is None

    def custom(shape, dtype=None):
        return ops.ones(shape, dtype=dtype)

    assert initializers.get(custom) is custom


def test_unknown_name_lists_close_names():
    with pytest.raises(ValueError, match="Did you mean 'glorot_uniform'"):
        initializers.get("glorot_unifrom")


def test_uninterpretable_identifier():
    with pytest.raises(ValueError, match="Could not interpret"):
        initializers.get(42)


# Keras 3.15 exports each of these names as the very class it aliases.
KERAS_ALIASES = {
    "constant": "Constant", "glorot_normal": "GlorotNormal", "glorot_uniform": "GlorotUniform",
    "he_normal": "HeNormal", "he_uniform": "HeUniform", "identity": "Identity",
    "IdentityInitializer": "Identity", "lecun_normal": "LecunNormal",
    "lecun_uniform": "LecunUniform", "ones": "Ones", "orthogonal": "Orthogonal",
    "OrthogonalInitializer": "Orthogonal", "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform", "stft": "STFT", "STFTInitializer": "STFT",
    "truncated_normal": "TruncatedNormal", "variance_scaling": "VarianceScaling",
    "zeros": "Zeros",
}  # fmt: skip


@pytest.mark.parametrize(("alias", "name"), sorted(KERAS_ALIASES.items()))
def test_exported_alias_is_the_class(alias, name):
    cls = getattr(initializers, name)
    assert getattr(initializers, alias) is cls
    assert type(initializers.get(alias)) is cls
    assert alias in initializers.__all__


@pytest.mark.parametrize(
    ("name", "cls"),
    [("zero", initializers.Zeros), ("one", initializers.Ones),
     ("uniform", initializers.RandomUniform), ("normal", initializers.RandomNormal),
     ("initializer", initializers.Initializer)],
)  # fmt: skip
def test_get_by_older_names(name, cls):
    assert type(initializers.get(name)) is cls


def test_get_a_class_makes_an_instance():
    assert type(initializers.get(initializers.HeNormal)) is initializers.HeNormal


def test_get_a_keras_alias_config():
    config = {"module": "keras.initializers", "class_name": "glorot_uniform", "config": {}}
    assert type(initializers.deserialize(config)) is initializers.GlorotUniform


@pytest.mark.parametrize("as_tensor", [False, True])
def test_get_values(as_tensor, rng):
    values = rng.standard_normal((3, 2))
    init = initializers.get(ops.convert_to_tensor(values) if as_tensor else values)
    out = init((3, 2), dtype="float64")
    assert ops.dtype(out) == "float64"
    np.testing.assert_allclose(_np(out), values, rtol=1e-6)
    assert ops.dtype(init((3, 2))) == backend.floatx()
    with pytest.raises(ValueError, match=r"shape=\(3, 2\)"):
        init((2, 3))
