"""``lamina.mixed_precision``: Keras 3's legacy names for dtype policies and loss scaling.

``set_global_policy("mixed_bfloat16")`` makes new layers keep float32 variables and compute
in bfloat16; ``LossScaleOptimizer`` scales the loss for float16 training.
"""

from lamina.dtype_policies.dtype_policy import (
    DTypePolicy as DTypePolicy,
    DTypePolicy as Policy,
    dtype_policy as dtype_policy,
    dtype_policy as global_policy,
    set_dtype_policy as set_dtype_policy,
    set_dtype_policy as set_global_policy,
)
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer as LossScaleOptimizer

__all__ = [
    "DTypePolicy",
    "LossScaleOptimizer",
    "Policy",
    "dtype_policy",
    "global_policy",
    "set_dtype_policy",
    "set_global_policy",
]
