"""LayerNormalization: normalizes each sample over its feature axes."""

from __future__ import annotations

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(variance + epsilon) + beta``, statistics over ``axis``.

    ``axis`` is an int or a list of ints; ``gamma`` and ``beta`` have the input's sizes on
    those axes. With ``rms_scaling=True`` there is no ``beta`` and no centering: the
    output is ``gamma * x / sqrt(variance + epsilon)``, which is what Keras 3 computes
    under that name (its docstring speaks of the mean square; its code uses the variance).
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        rms_scaling=False,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            axis = list(axis)
        axes = axis if isinstance(axis, list) else [axis]
        if not axes or any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
            raise TypeError(
                f"Expected an int or a non-empty list/tuple of ints for the argument 'axis'; "
                f"received axis={axis!r}."
            )
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False  # half-precision inputs are normalized in float32

    @property
    def _axes(self) -> list:
        return self.axis if isinstance(self.axis, list) else [self.axis]

    def build(self, input_shape):
        ndim = len(input_shape)
        for axis in self._axes:
            if not -ndim <= axis < ndim:
                raise ValueError(
                    f"Layer {self.name!r}: axis {axis} is out of range for an input of shape "
                    f"{tuple(input_shape)}."
                )
        shape = tuple(input_shape[axis] for axis in self._axes)
        if None in shape:
            raise ValueError(
                f"Layer {self.name!r} needs known sizes on axes {self.axis}; received "
                f"input_shape={tuple(input_shape)}."
            )
        self.gamma = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(
                name="gamma", shape=shape, initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                autocast=False,
            )  # fmt: skip
        self.beta = None
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(
                name="beta", shape=shape, initializer=self.beta_initializer,
                regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                autocast=False,
            )  # fmt: skip
        self.built = True

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        input_dtype = backend.standardize_dtype(ops.dtype(inputs))
        if input_dtype in ("float16", "bfloat16"):
            inputs = ops.cast(inputs, "float32")
        ndim = len(inputs.shape)
        axes = sorted(axis % ndim for axis in self._axes)
        # gamma/beta span only the normalized axes: give them size-1 axes elsewhere.
        broadcast_shape = [inputs.shape[i] if i in axes else 1 for i in range(ndim)]
        if self.rms_scaling:
            variance = ops.var(inputs, axis=axes, keepdims=True)
            inverse = ops.rsqrt(variance + self.epsilon)
            outputs = inputs * inverse * self._broadcast(self.gamma, broadcast_shape, inputs)
        else:
            mean, variance = ops.moments(inputs, axes=axes, keepdims=True)
            inverse = ops.rsqrt(variance + self.epsilon)
            if self.gamma is not None:
                inverse = inverse * self._broadcast(self.gamma, broadcast_shape, inputs)
            outputs = (inputs - mean) * inverse
            if self.beta is not None:
                outputs = outputs + self._broadcast(self.beta, broadcast_shape, inputs)
        return ops.cast(outputs, input_dtype)

    @staticmethod
    def _broadcast(weight, broadcast_shape, inputs):
        # A plain reshape, as Keras 3 does: for an unsorted ``axis`` list the weight's axes
        # are read in ascending input order, so weights move between the two unchanged.
        return ops.reshape(ops.cast(weight, ops.dtype(inputs)), broadcast_shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": serialize_keras_object(self.beta_initializer),
            "gamma_initializer": serialize_keras_object(self.gamma_initializer),
            "beta_regularizer": serialize_keras_object(self.beta_regularizer),
            "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
            "beta_constraint": serialize_keras_object(self.beta_constraint),
            "gamma_constraint": serialize_keras_object(self.gamma_constraint),
        }
