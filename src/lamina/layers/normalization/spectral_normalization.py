"""SpectralNormalization: keeps a wrapped layer's kernel at spectral norm 1 while training."""

from __future__ import annotations

from lamina import initializers, ops
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec


class SpectralNormalization(Wrapper):
    """Divides the wrapped layer's ``kernel`` (or ``embeddings``) by its largest singular
    value, estimated by ``power_iterations`` steps of power iteration per training call
    (Miyato et al., 2018), which bounds the layer's Lipschitz constant (GAN discriminators).

    Only ``training=True`` calls update the kernel (in place, as Keras does) and the
    non-trainable ``vector_u`` estimate; inference calls run the wrapped layer as it is.
    Weights, in Keras's order: the kernel, ``vector_u`` of shape ``(1, kernel.shape[-1])``,
    then the wrapped layer's other weights.

    >>> SpectralNormalization(Dense(4))(np.random.rand(2, 3), training=True).shape  # (2, 4)
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if (
            isinstance(power_iterations, bool)
            or not isinstance(power_iterations, int)
            or power_iterations <= 0
        ):
            raise ValueError(
                "SpectralNormalization: the argument 'power_iterations' must be a positive "
                f"int; received power_iterations={power_iterations!r}."
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            kernel = self.layer.embeddings
        else:
            raise ValueError(
                f"SpectralNormalization wraps a layer with a 'kernel' or 'embeddings' weight; "
                f"{type(self.layer).__name__} {self.layer.name!r} has neither."
            )
        self.kernel = kernel  # tracked here too, as in Keras: weights start with it
        self.kernel_shape = tuple(kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=kernel.dtype,
        )

    def call(self, inputs, training=False):
        if training:
            vector_u, kernel = self.normalized_weights()
            # An all-zero kernel has no direction to estimate: it stays as it is. (A select,
            # not a cond: eager JAX would compile a fresh program for each cond call.)
            is_zero = ops.all(ops.equal(self.kernel.value, 0))
            self.vector_u.assign(ops.where(is_zero, self.vector_u.value, vector_u))
            self.kernel.assign(ops.where(is_zero, self.kernel.value, kernel))
        outputs = self.layer(inputs)
        return ops.cast(outputs, ops.dtype(inputs))

    def normalized_weights(self):
        """(the new ``vector_u``, the kernel divided by its estimated spectral norm)."""
        weights = ops.reshape(self.kernel.value, (-1, self.kernel_shape[-1]))  # (rows, units)
        vector_u = self.vector_u.value  # (1, units)
        for _ in range(self.power_iterations):
            vector_v = ops.normalize(ops.matmul(vector_u, ops.transpose(weights)), axis=None)
            vector_u = ops.normalize(ops.matmul(vector_v, weights), axis=None)
        vector_u = ops.stop_gradient(vector_u)
        vector_v = ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))  # (1, 1)
        kernel = ops.reshape(ops.divide(self.kernel.value, sigma), self.kernel_shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}
