"""Ops that rearrange, join, split or index tensors."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_np = engine.numpy

reshape = op(_np.reshape, doc="``x`` with shape ``newshape`` (one entry may be -1).")
transpose = op(_np.transpose, doc="Permute axes (reverse them when ``axes`` is None).")
swapaxes = op(_np.swapaxes)
moveaxis = op(_np.moveaxis)
expand_dims = op(_np.expand_dims)
squeeze = op(_np.squeeze)
ravel = op(_np.ravel)
concatenate = op(_np.concatenate, doc="Join a sequence of tensors along an existing axis.")
stack = op(_np.stack, doc="Join a sequence of tensors along a new axis.")
split = op(_np.split)
tile = op(_np.tile)
repeat = op(_np.repeat)
broadcast_to = op(_np.broadcast_to)
flip = op(_np.flip)
take = op(_np.take)
take_along_axis = op(_np.take_along_axis)
pad = op(_np.pad)
tril = op(_np.tril)
triu = op(_np.triu)
diag = op(_np.diag)
matmul = op(_np.matmul, doc="Matrix product with NumPy's broadcasting rules.")
dot = op(_np.dot)
tensordot = op(_np.tensordot)
einsum = op(_np.einsum)
outer = op(_np.outer)
copy = op(_np.copy)
astype = op(_np.astype)
