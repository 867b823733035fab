"""Reductions and sorting along axes."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_np = engine.numpy

sum = op(_np.sum, doc="Sum over ``axis`` (all axes when None).")
mean = op(_np.mean, doc="Arithmetic mean over ``axis``; integers give floatx.")
prod = op(_np.prod, doc="Product over ``axis``.")
max = op(_np.max, doc="Maximum over ``axis``.")
min = op(_np.min, doc="Minimum over ``axis``.")
amax = op(_np.max, name="amax", doc="Maximum over ``axis``.")
amin = op(_np.min, name="amin", doc="Minimum over ``axis``.")
var = op(_np.var, doc="Population variance (ddof=0) over ``axis``.")
std = op(_np.std, doc="Population standard deviation (ddof=0) over ``axis``.")
argmax = op(_np.argmax, doc="Index (int32) of the maximum along ``axis``.")
argmin = op(_np.argmin, doc="Index (int32) of the minimum along ``axis``.")
argsort = op(_np.argsort, doc="Indices (int32) that sort ``x`` along ``axis``, stable.")
sort = op(_np.sort, doc="``x`` sorted along ``axis``.")
cumsum = op(_np.cumsum)
cumprod = op(_np.cumprod)
any = op(_np.any)
all = op(_np.all)
count_nonzero = op(_np.count_nonzero)
