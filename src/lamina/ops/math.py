"""Math ops beyond NumPy's set."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_math = engine.math

top_k = op(_math.top_k, doc="(values, indices) of the k largest entries along the last axis.")
in_top_k = op(_math.in_top_k, doc="Whether each target id is among the k highest predictions.")
logsumexp = op(_math.logsumexp)
segment_sum = op(_math.segment_sum)
erf = op(_math.erf)
rsqrt = op(_math.rsqrt)
