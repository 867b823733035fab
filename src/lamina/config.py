"""``lamina.config``: Keras 3's process-wide settings (``keras.config``).

The engine, default float type, fuzz factor, image layout and whether attention layers may
use a flash-attention kernel. The values live in ``lamina.backend.config``.
"""

from lamina.backend.common.traceback_utils import (
    disable_traceback_filtering as disable_traceback_filtering,
    enable_traceback_filtering as enable_traceback_filtering,
    is_traceback_filtering_enabled as is_traceback_filtering_enabled,
)
from lamina.backend.config import (
    backend as backend,
    disable_flash_attention as disable_flash_attention,
    enable_flash_attention as enable_flash_attention,
    epsilon as epsilon,
    floatx as floatx,
    image_data_format as image_data_format,
    is_flash_attention_enabled as is_flash_attention_enabled,
    max_epochs as max_epochs,
    max_steps_per_epoch as max_steps_per_epoch,
    set_backend as set_backend,
    set_epsilon as set_epsilon,
    set_floatx as set_floatx,
    set_image_data_format as set_image_data_format,
    set_max_epochs as set_max_epochs,
    set_max_steps_per_epoch as set_max_steps_per_epoch,
)
from lamina.dtype_policies.dtype_policy import (
    dtype_policy as dtype_policy,
    set_dtype_policy as set_dtype_policy,
)
from lamina.serialization.allow_list import (
    enable_unsafe_deserialization as enable_unsafe_deserialization,
)
from lamina.utils.io_utils import (
    disable_interactive_logging as disable_interactive_logging,
    enable_interactive_logging as enable_interactive_logging,
    is_interactive_logging_enabled as is_interactive_logging_enabled,
)

__all__ = [
    "disable_traceback_filtering",
    "enable_traceback_filtering",
    "is_traceback_filtering_enabled",
    "enable_unsafe_deserialization",
    "set_backend",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "is_interactive_logging_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_max_epochs",
    "set_max_steps_per_epoch",
    "backend",
    "disable_flash_attention",
    "dtype_policy",
    "enable_flash_attention",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_flash_attention_enabled",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]
