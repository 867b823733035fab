import json
import zipfile

import numpy as np
import pytest

import lamina as keras
from lamina import activations, layers, ops, saving
from lamina.layers import Lambda
from tests.harness import assert_close, check_config_roundtrip


@saving.register_keras_serializable(package="LaminaTest")
def scaled_square(x, factor=1.0):
    return ops.square(x) * factor


def test_any_python_function_works_in_memory(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    assert_close(Lambda(lambda t: t * 2 + 1)(x), x.astype(np.float64) * 2 + 1)
    assert_close(
        Lambda(scaled_square, arguments={"factor": 3.0})(x), 3.0 * x.astype(np.float64) ** 2
    )


def test_symbolic_shape_is_inferred_or_given(rng):
    inputs = keras.Input((5, 4))
    assert Lambda(lambda t: ops.sum(t, axis=1))(inputs).shape == (None, 4)
    assert Lambda(lambda t: t[:, 0], output_shape=(4,))(inputs).shape == (None, 4)
    given = Lambda(lambda t: t, output_shape=lambda shape: (shape[0], 20))
    assert given(inputs).shape == (None, 20)
    model = keras.Model(inputs, Lambda(lambda t: ops.mean(t, axis=-1))(inputs))
    assert tuple(model(rng.standard_normal((2, 5, 4)).astype("float32")).shape) == (2, 5)


def test_mask_and_training_reach_the_function(rng):
    seen = {}

    def record(x, mask=None, training=None):
        seen.update(mask=mask, training=training)
        return x

    x = rng.standard_normal((2, 3)).astype("float32")
    Lambda(record)(x, training=True)
    assert seen == {"mask": None, "training": True}
    layer = Lambda(lambda t: t, mask=lambda inputs, mask: ops.greater(inputs, 0))
    assert layer.compute_mask(x) is not None
    assert Lambda(lambda t: t).compute_mask(x, mask=np.ones((2, 3), bool)) is None


def test_registered_function_and_ops_round_trip_through_config_and_file(tmp_path, rng):
    for fn, module in ((scaled_square, None), (ops.square, "keras.ops"),
                       (activations.relu, "keras.activations")):  # fmt: skip
        layer = Lambda(fn, arguments={} if fn is not scaled_square else {"factor": 2.0})
        config = layer.get_config()
        if module is not None:
            assert config["function"]["module"] == module
        assert check_config_roundtrip(layer).function is fn
    inputs = keras.Input((4,))
    model = keras.Model(inputs, Lambda(scaled_square, arguments={"factor": 2.0})(inputs))
    model.save(tmp_path / "lambda.keras")
    loaded = saving.load_model(tmp_path / "lambda.keras")
    x = rng.standard_normal((3, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


def test_saving_a_python_lambda_refuses_at_save_time(tmp_path):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, Lambda(lambda t: t * 2, name="doubler")(inputs))
    with pytest.raises(ValueError, match=r"doubler.*Python lambda.*register_keras_serializable"):
        model.save(tmp_path / "lambda.keras")
    assert not (tmp_path / "lambda.keras").exists()

    def local_function(t):
        return t

    with pytest.raises(ValueError, match="local_function.*unregistered"):
        Lambda(local_function).get_config()
    with pytest.raises(ValueError, match="output_shape"):
        Lambda(ops.square, output_shape=lambda s: s).get_config()


def test_keras_lambda_bytecode_is_never_loaded(tmp_path):
    inputs = keras.Input((4,))
    keras.Model(inputs, Lambda(ops.square)(inputs)).save(tmp_path / "ok.keras")
    with zipfile.ZipFile(tmp_path / "ok.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    lambda_config = config["config"]["layers"][-1]["config"]
    lambda_config["function"] = {
        "class_name": "__lambda__",
        "config": {"code": "4wEAAAAAAAA=", "defaults": None, "closure": None},
    }
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="bytecode"):
            saving.load_model(tmp_path / "bad.keras", safe_mode=safe_mode)
    with pytest.raises(ValueError, match="bytecode"):
        Lambda.from_config(lambda_config)


def test_bad_arguments():
    with pytest.raises(TypeError, match="'function'"):
        Lambda("square")
    with pytest.raises(TypeError, match="'arguments'"):
        Lambda(ops.square, arguments=[1])
    with pytest.raises(TypeError, match="'output_shape'"):
        Lambda(ops.square, output_shape=3)
    with pytest.raises(ValueError, match="output_shape"):
        Lambda(lambda t: ops.reshape(t, (-1, 7)))(keras.Input((4,)))
    assert isinstance(layers.Lambda(ops.square), layers.Layer)
