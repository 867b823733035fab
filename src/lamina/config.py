"""``lamina.config``: Keras 3's process-wide settings (``keras.config``).

The engine, default float type, fuzz factor, image layout and whether attention layers may
use a flash-attention kernel. The values live in ``lamina.backend.config``.
"""

from lamina.backend.config import (
    backend as backend,
    disable_flash_attention as disable_flash_attention,
    enable_flash_attention as enable_flash_attention,
    epsilon as epsilon,
    floatx as floatx,
    image_data_format as image_data_format,
    is_flash_attention_enabled as is_flash_attention_enabled,
    set_epsilon as set_epsilon,
    set_floatx as set_floatx,
    set_image_data_format as set_image_data_format,
)

__all__ = [
    "backend",
    "disable_flash_attention",
    "enable_flash_attention",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
