"""Ops that create tensors."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_np = engine.numpy

zeros = op(_np.zeros)
ones = op(_np.ones)
full = op(_np.full)
zeros_like = op(_np.zeros_like)
ones_like = op(_np.ones_like)
full_like = op(_np.full_like)
arange = op(_np.arange)
linspace = op(_np.linspace)
eye = op(_np.eye)
identity = op(_np.identity)
