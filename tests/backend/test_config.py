"""Process-wide settings: floatx, epsilon, image_data_format and their setters."""

import numpy as np
import pytest

from lamina import backend


@pytest.fixture
def restore_settings():
    saved = backend.floatx(), backend.epsilon(), backend.image_data_format()
    yield
    backend.set_floatx(saved[0])
    backend.set_epsilon(saved[1])
    backend.set_image_data_format(saved[2])


def test_defaults():
    assert backend.backend() in ("torch", "jax", "numpy", "tensorflow")
    assert backend.floatx() == "float32"
    assert backend.epsilon() == pytest.approx(1e-7)
    assert backend.image_data_format() == "channels_last"


@pytest.mark.usefixtures("restore_settings")
def test_setters_take_effect():
    backend.set_floatx("float64")
    assert backend.floatx() == "float64"
    assert backend.standardize_dtype(None) == "float64"
    backend.set_epsilon(1e-4)
    assert backend.epsilon() == 1e-4
    backend.set_image_data_format("channels_first")
    assert backend.image_data_format() == "channels_first"
    assert backend.standardize_data_format(None) == "channels_first"


@pytest.mark.usefixtures("restore_settings")
@pytest.mark.parametrize("value", ["float8", "int32", "float", None])
def test_set_floatx_rejects(value):
    with pytest.raises(ValueError, match="floatx must be one of"):
        backend.set_floatx(value)
    assert backend.floatx() == "float32"


@pytest.mark.usefixtures("restore_settings")
@pytest.mark.parametrize("value", ["small", -1e-7, 0, None, True])
def test_set_epsilon_rejects(value):
    with pytest.raises(ValueError, match="epsilon must be a positive float"):
        backend.set_epsilon(value)
    assert backend.epsilon() == pytest.approx(1e-7)


@pytest.mark.usefixtures("restore_settings")
@pytest.mark.parametrize("value", ["channels_middle", "NHWC", ""])
def test_set_image_data_format_rejects(value):
    with pytest.raises(ValueError, match="data_format must be one of"):
        backend.set_image_data_format(value)
    assert backend.image_data_format() == "channels_last"


def test_standardize_data_format_is_case_insensitive():
    assert backend.standardize_data_format("Channels_First") == "channels_first"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("float", "float32"), ("double", "float64"), (bool, "bool"), ("int8", "int8")],
)
def test_standardize_dtype(given, expected):
    assert backend.standardize_dtype(given) == expected


def test_standardize_dtype_takes_numpy_scalar_types():
    # As Keras: np.float64 (a scalar type, not a dtype instance) is "float64".
    assert backend.standardize_dtype(np.float64) == "float64"
    assert backend.standardize_dtype(np.int32) == "int32"
    assert backend.standardize_dtype(np.bool_) == "bool"


def test_standardize_dtype_rejects_unknown_names():
    with pytest.raises(ValueError, match="Invalid dtype"):
        backend.standardize_dtype("float12")


def test_set_backend_reloads_lamina_on_the_other_engine(tmp_path):
    """In a fresh process (reloading Lamina here would invalidate the test session's
    objects): set_backend switches engine and returns the reloaded package."""
    import subprocess
    import sys

    script = (
        "import lamina\n"
        "first = lamina.backend.backend()\n"
        "other = 'numpy' if first != 'numpy' else 'torch'\n"
        "fresh = lamina.config.set_backend(other)\n"
        "import lamina as again\n"
        "assert fresh is again and again.backend.backend() == other, again.backend.backend()\n"
        "print(first, other, float(again.ops.sum(again.ops.ones((2, 2)))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "4.0"


def test_set_backend_refuses_unknown_engines():
    import lamina

    with pytest.raises(ValueError, match="backend must be one of"):
        lamina.config.set_backend("theano")
