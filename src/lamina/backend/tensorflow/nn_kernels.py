"""Native TensorFlow kernels for neural-network composites written once in ``lamina.ops``.

Optional engine kernels (see ``backend/contract.py``, OPTIONAL): ``lamina.ops.ctc`` uses
``ctc_loss`` here instead of its scan of the forward recursion (which a ``tf.function``
would unroll, one graph step per frame); tests/backend/test_tensorflow_nn.py checks that the
two agree.
"""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.common.dtypes import result_type
from lamina.backend.tensorflow.core import convert_to_tensor, dtype_name, to_tf_dtype


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """``tf.nn.ctc_loss`` per batch entry, on Keras's (batch, time, classes) logits.

    TensorFlow's loss computes in float32 (half precision is widened, float64 refused), so
    float64 logits are computed in float32 too, as Keras does, and the loss is returned in
    the logits' result dtype.
    """
    output = convert_to_tensor(output)
    result_dtype = to_tf_dtype(result_type(dtype_name(output), "float32"))
    loss = tf.nn.ctc_loss(
        labels=tf.cast(convert_to_tensor(target), tf.int32),
        logits=tf.cast(output, tf.float32),
        label_length=tf.cast(convert_to_tensor(target_length), tf.int32),
        logit_length=tf.cast(convert_to_tensor(output_length), tf.int32),
        logits_time_major=False,
        blank_index=mask_index,
    )
    return tf.cast(loss, result_dtype)
