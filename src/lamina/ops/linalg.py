"""Linear-algebra ops."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_linalg = engine.linalg

norm = op(_linalg.norm)
qr = op(_linalg.qr)
inv = op(_linalg.inv)
det = op(_linalg.det)
cholesky = op(_linalg.cholesky)
svd = op(_linalg.svd)
solve = op(_linalg.solve)
