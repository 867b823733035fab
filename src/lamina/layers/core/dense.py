"""Dense: the densely connected layer, ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

from lamina import activations, backend, constraints, initializers, ops, regularizers
from lamina.layers import in_place
from lamina.layers.arguments import require_positive_int
from lamina.layers.core.lora import LoraMixin
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object

# The engine's fused ``x @ kernel + bias`` (torch: one addmm, as torch.nn.Linear) where it has
# one (backend/contract.py, OPTIONAL_FUNCTIONS); the others run matmul, then add.
_MATMUL_ADD = getattr(backend.engine.nn, "matmul_add", None)


class Dense(LoraMixin, in_place.FreshOutputs, Layer):
    """``activation(dot(inputs, kernel) + bias)`` on the last axis.

    Input shape ``(..., input_dim)``; output shape ``(..., units)``. ``lora_rank`` (or
    ``enable_lora(rank)`` on a built layer) freezes the kernel and trains a low-rank update
    scaled by ``lora_alpha / lora_rank`` (see ``lamina.layers.core.lora``).
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._init_lora(lora_rank, lora_alpha)
        self.units = require_positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Layer {self.name!r} needs a known last input dimension; "
                f"received input_shape={input_shape}."
            )
        self._kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True
        self._enable_lora_after_build()

    @property
    def kernel(self):
        """The kernel variable; with LoRA on, the kernel plus the scaled low-rank update."""
        return self._lora_weight()

    def call(self, inputs):
        if self.bias is not None and _MATMUL_ADD is not None:
            outputs = _MATMUL_ADD(inputs, self.kernel, self.bias)  # None: the engine can't fuse
            if outputs is not None:
                return self.activation(outputs)
        outputs = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            **self._lora_config(),
        }
