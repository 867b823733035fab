"""BatchNormalization: normalizes each feature with batch statistics while training."""

from __future__ import annotations

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.layers import in_place
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object

# The engine's fused training kernel, (outputs, mean, variance) in one pass forward and
# backward (torch), where it has one (backend/contract.py, OPTIONAL_FUNCTIONS).
_FUSED_TRAINING = getattr(backend.engine.nn, "batch_normalization_training", None)


class BatchNormalization(in_place.FreshOutputs, Layer):
    """``gamma * (x - mean) / sqrt(variance + epsilon) + beta`` per feature along ``axis``.

    Training (``training=True``): ``mean`` and ``variance`` are the batch's, and the moving
    statistics move towards them, ``moving = moving * momentum + batch * (1 - momentum)``.
    Inference: the moving statistics are used. As in Keras 3, a layer with
    ``trainable=False`` always runs in inference mode and never updates its statistics.

    Weights, in order: ``gamma`` (if ``scale``), ``beta`` (if ``center``), ``moving_mean``,
    ``moving_variance``, each of shape ``(input_shape[axis],)``.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        synchronized=False,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if renorm:
            raise ValueError(
                "Argument renorm=True (batch renormalization) is not supported; "
                "BatchNormalization accepts renorm=False only."
            )
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"axis must be an int; received axis={axis!r}.")
        if synchronized:
            # Cross-replica moments need the distribution floor, which no engine has yet.
            raise ValueError(
                "Argument synchronized=True is not supported yet: no Lamina engine computes "
                "cross-replica batch statistics."
            )
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.synchronized = synchronized
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Layer {self.name!r}: axis={self.axis} is out of range for an input of shape "
                f"{tuple(input_shape)}."
            )
        num_features = input_shape[self.axis]
        if num_features is None:
            raise ValueError(
                f"Layer {self.name!r} needs a known size on axis {self.axis}; received "
                f"input_shape={tuple(input_shape)}."
            )
        shape = (num_features,)
        self.gamma = None
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma", shape=shape, initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                autocast=False,
            )  # fmt: skip
        self.beta = None
        if self.center:
            self.beta = self.add_weight(
                name="beta", shape=shape, initializer=self.beta_initializer,
                regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                autocast=False,
            )  # fmt: skip
        self.moving_mean = self.add_weight(
            name="moving_mean", shape=shape, initializer=self.moving_mean_initializer,
            trainable=False, autocast=False,
        )  # fmt: skip
        self.moving_variance = self.add_weight(
            name="moving_variance", shape=shape, initializer=self.moving_variance_initializer,
            trainable=False, autocast=False,
        )  # fmt: skip
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: num_features})
        self._reduction_axes = [i for i in range(ndim) if i != self.axis % ndim]
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(
                f"Layer {self.name!r}: the mask must have one axis less than the inputs; "
                f"received mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}."
            )
        input_dtype = backend.standardize_dtype(ops.dtype(inputs))
        if input_dtype in ("float16", "bfloat16"):
            inputs = ops.cast(inputs, "float32")  # batch statistics overflow in half precision
        dtype = ops.dtype(inputs)
        moving_mean = ops.cast(self.moving_mean, dtype)
        moving_variance = ops.cast(self.moving_variance, dtype)
        offset = None if self.beta is None else ops.cast(self.beta, dtype)
        scale = None if self.gamma is None else ops.cast(self.gamma, dtype)
        fused = None
        if training and self.trainable:
            if mask is None and _FUSED_TRAINING is not None:
                fused = _FUSED_TRAINING(inputs, self.axis, offset, scale, self.epsilon)
            if fused is None:
                mean, variance = self._moments(inputs, mask)
            else:
                outputs, mean, variance = fused
            # The update is state, not part of the loss: no gradient flows through it.
            self.moving_mean.assign(
                moving_mean * self.momentum + ops.stop_gradient(mean) * (1.0 - self.momentum)
            )
            self.moving_variance.assign(
                moving_variance * self.momentum
                + ops.stop_gradient(variance) * (1.0 - self.momentum)
            )
        else:
            mean, variance = moving_mean, moving_variance
        if fused is None:
            outputs = ops.batch_normalization(
                inputs, mean, variance, axis=self.axis, offset=offset, scale=scale,
                epsilon=self.epsilon,
            )  # fmt: skip
        if input_dtype in ("float16", "bfloat16"):
            outputs = ops.cast(outputs, input_dtype)
        return outputs

    def _moments(self, inputs, mask):
        if mask is None:
            return ops.moments(inputs, axes=self._reduction_axes)
        # Masked positions (e.g. padding) do not count towards the batch statistics.
        weights = ops.expand_dims(ops.cast(mask, ops.dtype(inputs)), axis=-1)  # (..., 1)
        total_weight = ops.sum(weights, self._reduction_axes, keepdims=True) + backend.epsilon()
        weighted_inputs = weights * inputs
        mean = ops.sum(weighted_inputs, self._reduction_axes, keepdims=True) / total_weight
        squared = weights * ops.square(weighted_inputs - mean)
        variance = ops.sum(squared, self._reduction_axes, keepdims=True) / total_weight
        return ops.reshape(mean, (-1,)), ops.reshape(variance, (-1,))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_keras_object(self.beta_initializer),
            "gamma_initializer": serialize_keras_object(self.gamma_initializer),
            "moving_mean_initializer": serialize_keras_object(self.moving_mean_initializer),
            "moving_variance_initializer": serialize_keras_object(self.moving_variance_initializer),
            "beta_regularizer": serialize_keras_object(self.beta_regularizer),
            "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
            "beta_constraint": serialize_keras_object(self.beta_constraint),
            "gamma_constraint": serialize_keras_object(self.gamma_constraint),
            "synchronized": self.synchronized,
        }
