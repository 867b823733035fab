"""PReLU: a leaky ReLU whose negative slope ``alpha`` is learned."""

from __future__ import annotations

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


class PReLU(Layer):
    """``x`` for ``x >= 0`` and ``alpha * x`` otherwise, with ``alpha`` a learned weight.

    ``alpha`` has the input's shape without the batch axis; ``shared_axes`` (an axis or a
    list of axes, counted with the batch axis as 0) share one value along those axes, e.g.
    ``shared_axes=[1, 2]`` for one slope per channel of ``(batch, height, width, channels)``
    feature maps.

    >>> PReLU(shared_axes=[1])(np.ones((2, 5, 3))).shape  # alpha: (1, 3)
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        ndim = len(input_shape)
        shared = self.shared_axes or []
        for axis in shared:
            if isinstance(axis, bool) or not isinstance(axis, int) or not 1 <= axis < ndim:
                raise ValueError(
                    f"Layer {self.name!r}: shared_axes must be axes in [1, {ndim - 1}] of an "
                    f"input of rank {ndim}; received shared_axes={self.shared_axes}."
                )
        param_shape = [1 if axis in shared else input_shape[axis] for axis in range(1, ndim)]
        if any(dim is None for dim in param_shape):
            raise ValueError(
                f"Layer {self.name!r} needs every non-shared input axis to be known to create "
                f"alpha; received input_shape={tuple(input_shape)}, "
                f"shared_axes={self.shared_axes}."
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=tuple(param_shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        # Keras pins the non-shared axes only when some are shared; pinning them always
        # turns a silent broadcast of a mis-shaped input into a clear error.
        axes = {axis: input_shape[axis] for axis in range(1, ndim) if axis not in shared}
        self.input_spec = InputSpec(ndim=ndim, axes=axes)

    def call(self, inputs):
        negative = ops.multiply(self.alpha, ops.relu(ops.negative(inputs)))
        return ops.subtract(ops.relu(inputs), negative)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": serialize_keras_object(self.alpha_initializer),
            "alpha_regularizer": serialize_keras_object(self.alpha_regularizer),
            "alpha_constraint": serialize_keras_object(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
