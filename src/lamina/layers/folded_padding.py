"""A ZeroPadding layer folded into the convolution that reads its output (torch).

Keras's MobileNets, EfficientNets and others pad with ``ZeroPadding2D`` and then convolve with
``padding="valid"``. When a functional model's padding output is read by such a convolution
only, the model skips the padding node and hands the convolution the zeros to assume instead
(``pending``); the engine then pads inside the convolution (``nn.conv_with_pads``): no padded
copy of the input, whose fresh buffer a CPU faults in page by page (MobileNetV2's first
stride-2 block: 53 ms padded and convolved, 12 ms folded, at batch 32). The outputs are the
same sums as padding first.

Only the library's own ZeroPadding2D/3D and convolution ``call``s take part (a subclass that
overrides them runs as written), and only for concrete arrays on an engine that has the
folded kernels.
"""

from __future__ import annotations

import contextlib
import threading

from lamina import backend

_state = threading.local()


def can_fold(padding_layer, conv_layer) -> bool:
    """Whether ``padding_layer``'s zeros may be folded into ``conv_layer``'s call."""
    from lamina.layers.convolutional.base_conv import BaseConv
    from lamina.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv
    from lamina.layers.reshaping.base_zero_padding import BaseZeroPadding

    if not isinstance(padding_layer, BaseZeroPadding):
        return False
    if type(padding_layer).call is not BaseZeroPadding.call:
        return False
    if getattr(conv_layer, "padding", None) != "valid":
        return False
    if getattr(conv_layer, "rank", None) != padding_layer.rank:
        return False
    if getattr(conv_layer, "data_format", None) != padding_layer.data_format:
        return False
    kind = type(conv_layer)
    if isinstance(conv_layer, BaseConv):
        own = kind.call is BaseConv.call and kind.convolution_op is BaseConv.convolution_op
        kernel = "conv_with_pads"
    elif isinstance(conv_layer, BaseDepthwiseConv):
        own, kernel = kind.call is BaseDepthwiseConv.call, "depthwise_conv_with_pads"
    else:
        return False
    return own and getattr(backend.engine.nn, kernel, None) is not None


@contextlib.contextmanager
def pending(pads):
    """While the block runs, the convolution called in it convolves its input as if padded
    by ``pads`` ((before, after) per spatial axis)."""
    previous = getattr(_state, "pads", None)
    _state.pads = tuple(tuple(pair) for pair in pads)
    try:
        yield
    finally:
        _state.pads = previous


def take():
    """The pads handed to the convolution now running (and no longer pending), or None."""
    pads = getattr(_state, "pads", None)
    _state.pads = None
    return pads
