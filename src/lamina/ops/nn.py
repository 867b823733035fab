"""Neural-network ops: activations, convolution, pooling, normalization, cross-entropies."""

from lamina.backend import engine
from lamina.ops.dispatch import op

_nn = engine.nn

relu = op(_nn.relu, doc="max(x, 0).")
relu6 = op(_nn.relu6, doc="min(max(x, 0), 6).")
sigmoid = op(_nn.sigmoid, doc="1 / (1 + exp(-x)).")
softplus = op(_nn.softplus, doc="log(1 + exp(x)).")
softsign = op(_nn.softsign, doc="x / (1 + |x|).")
silu = op(_nn.silu, doc="x * sigmoid(x).")
swish = op(_nn.silu, name="swish", doc="x * sigmoid(x).")
gelu = op(_nn.gelu, doc="Gaussian error linear unit (tanh approximation by default).")
elu = op(_nn.elu, doc="x if x > 0 else alpha * (exp(x) - 1).")
selu = op(_nn.selu, doc="Scaled ELU with the self-normalising constants.")
leaky_relu = op(_nn.leaky_relu, doc="x if x > 0 else negative_slope * x.")
hard_sigmoid = op(_nn.hard_sigmoid, doc="relu6(x + 3) / 6.")
hard_silu = op(_nn.hard_silu, doc="x * hard_sigmoid(x).")
log_sigmoid = op(_nn.log_sigmoid)
softmax = op(_nn.softmax, doc="exp(x) / sum(exp(x)) along ``axis``.")
log_softmax = op(_nn.log_softmax, doc="x - logsumexp(x) along ``axis``.")
one_hot = op(_nn.one_hot, doc="One-hot encoding of integer ids; negative ids give zeros.")
conv = op(_nn.conv, doc="N-D convolution with a Keras-shaped kernel (*spatial, in, out).")
depthwise_conv = op(_nn.depthwise_conv)
conv_transpose = op(
    _nn.conv_transpose,
    doc="Transposed N-D convolution; ``kernel`` is (*spatial, filters, in_channels).",
)
max_pool = op(_nn.max_pool, doc="N-D max pooling ('valid' or 'same' padding).")
average_pool = op(_nn.average_pool, doc="N-D average pooling; 'same' excludes padding.")
moments = op(_nn.moments, doc="(mean, variance) over ``axes``.")
batch_normalization = op(_nn.batch_normalization)
categorical_crossentropy = op(_nn.categorical_crossentropy)
sparse_categorical_crossentropy = op(_nn.sparse_categorical_crossentropy)
binary_crossentropy = op(_nn.binary_crossentropy)
