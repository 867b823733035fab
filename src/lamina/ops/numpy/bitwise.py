"""Bitwise ops on integer and bool tensors (Keras names, with NumPy's aliases)."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_extra = engine.numpy_extra

bitwise_and = op(_extra.bitwise_and, doc="Element-wise x & y.")
bitwise_or = op(_extra.bitwise_or, doc="Element-wise x | y.")
bitwise_xor = op(_extra.bitwise_xor, doc="Element-wise x ^ y.")
bitwise_invert = op(_extra.bitwise_invert, doc="Element-wise ~x (logical not for bools).")
bitwise_not = op(_extra.bitwise_invert, name="bitwise_not", doc="Element-wise ~x.")
left_shift = op(_extra.left_shift, doc="Element-wise x << y.")
right_shift = op(_extra.right_shift, doc="Element-wise x >> y (arithmetic for signed ints).")
bitwise_left_shift = op(_extra.left_shift, name="bitwise_left_shift", doc="Element-wise x << y.")
bitwise_right_shift = op(_extra.right_shift, name="bitwise_right_shift", doc="Element-wise x >> y.")
