"""Process-wide settings: which engine runs, default float type, fuzz factor, image layout.

The engine is chosen once per process: ``LAMINA_BACKEND``, else ``KERAS_BACKEND``, else the
``backend`` entry of ``~/.lamina/lamina.json`` (``$LAMINA_HOME/lamina.json``), else torch.
"""

from __future__ import annotations

import json
import os

ENGINES = ("torch", "jax", "numpy", "tensorflow")
IMAGE_DATA_FORMATS = ("channels_last", "channels_first")
FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")


def lamina_home() -> str:
    return os.environ.get("LAMINA_HOME", os.path.join(os.path.expanduser("~"), ".lamina"))


def _read_config_file() -> dict:
    path = os.path.join(lamina_home(), "lamina.json")
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


_file_config = _read_config_file()


def _choose_backend() -> str:
    name = (
        os.environ.get("LAMINA_BACKEND")
        or os.environ.get("KERAS_BACKEND")
        or _file_config.get("backend")
        or "torch"
    )
    if name not in ENGINES:
        raise ValueError(f"Unknown backend {name!r}: expected one of {ENGINES}.")
    return name


_BACKEND = _choose_backend()
_FLOATX = _file_config.get("floatx", "float32")
_EPSILON = float(_file_config.get("epsilon", 1e-7))
_IMAGE_DATA_FORMAT = _file_config.get("image_data_format", "channels_last")


def backend() -> str:
    """Name of the active engine: ``"torch"``, ``"jax"`` or ``"numpy"``."""
    return _BACKEND


def floatx() -> str:
    """The default float dtype: ``"float32"`` unless ``set_floatx`` or ``lamina.json`` says
    otherwise."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Sets the default float dtype of new weights and of Python floats turned into tensors:
    ``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``. For mixed precision use a
    dtype policy instead (``keras.config.set_dtype_policy("mixed_float16")``).
    """
    global _FLOATX
    if value not in FLOAT_TYPES:
        raise ValueError(f"floatx must be one of {FLOAT_TYPES}; received {value!r}.")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor added to denominators to avoid dividing by zero (default ``1e-7``)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor ``epsilon()`` returns (a positive float)."""
    global _EPSILON
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"epsilon must be a positive float; received {value!r}.")
    _EPSILON = float(value)


def image_data_format() -> str:
    """The default image layout: ``"channels_last"`` (NHWC, the default) or
    ``"channels_first"`` (NCHW).
    """
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Sets the default image layout: ``"channels_last"`` or ``"channels_first"``."""
    global _IMAGE_DATA_FORMAT
    data_format = standardize_data_format(data_format)
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """``data_format`` checked and lower-cased, or ``image_data_format()`` when None;
    anything else raises a ValueError.
    """
    if data_format is None:
        return image_data_format()
    value = str(data_format).lower()
    if value not in IMAGE_DATA_FORMATS:
        raise ValueError(
            f"data_format must be one of {IMAGE_DATA_FORMATS}; received {data_format!r}."
        )
    return value


# Flash attention: None lets attention layers use the engine's fused kernel where it applies
# (Keras's default); False, set by disable_flash_attention, keeps them off it.
_FLASH_ATTENTION: bool | None = None


def enable_flash_attention() -> None:
    """Let attention layers try the engine's flash-attention kernel (the default)."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = None


def disable_flash_attention() -> None:
    """Keep attention layers off the flash-attention kernel."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled() -> bool | None:
    """False once disabled; otherwise None (enabled where the engine and inputs allow it)."""
    return _FLASH_ATTENTION


# Debugging caps on training runs (Keras's ``config.set_max_epochs`` and
# ``set_max_steps_per_epoch``; also read from KERAS_MAX_EPOCHS / KERAS_MAX_STEPS_PER_EPOCH).
def _positive_or_none(argument: str, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{argument} must be a positive integer or None; received {value!r}.")
    return value


def _cap_from_environment(name: str):
    text = os.environ.get(name)
    return _positive_or_none(name, int(text)) if text else None


_MAX_EPOCHS = _cap_from_environment("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _cap_from_environment("KERAS_MAX_STEPS_PER_EPOCH")


def set_max_epochs(max_epochs) -> None:
    """Cap the epochs of every ``fit`` at ``max_epochs`` (None: no cap). For debugging."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = _positive_or_none("max_epochs", max_epochs)


def max_epochs():
    """The cap set by ``set_max_epochs`` (or KERAS_MAX_EPOCHS), or None."""
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch) -> None:
    """Cap the steps of each epoch of ``fit``/``evaluate``/``predict`` (None: no cap)."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _positive_or_none("max_steps_per_epoch", max_steps_per_epoch)


def max_steps_per_epoch():
    """The cap set by ``set_max_steps_per_epoch`` (or KERAS_MAX_STEPS_PER_EPOCH), or None."""
    return _MAX_STEPS_PER_EPOCH


def set_backend(backend_name: str):
    """Switch engine by reloading Lamina (Keras's ``config.set_backend``): every Lamina
    module and object made before is stale afterwards, so re-import what you use
    (``import lamina`` again). Returns the reloaded ``lamina`` package."""
    import importlib
    import sys

    name = str(backend_name).lower()
    if name not in ENGINES:
        raise ValueError(f"backend must be one of {ENGINES}; received {backend_name!r}.")
    os.environ["LAMINA_BACKEND"] = name
    for module in [key for key in sys.modules if key == "lamina" or key.startswith("lamina.")]:
        del sys.modules[module]
    return importlib.import_module("lamina")
