"""GroupNormalization: normalizes each sample over groups of channels."""

from __future__ import annotations

from lamina import backend, constraints, initializers, ops, regularizers
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


class GroupNormalization(Layer):
    """Splits the ``axis`` channels into ``groups`` groups and normalizes each group of each
    sample over its channels and every non-batch axis (Wu & He, 2018).

    ``groups=1`` is close to LayerNormalization; ``groups=-1`` (one channel a group) is
    instance normalization. The channel count must be a multiple of ``groups``. ``gamma``
    and ``beta`` hold one value per channel.

    >>> GroupNormalization(groups=2)(np.random.rand(2, 5, 4)).shape  # (2, 5, 4)
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        if (
            isinstance(groups, bool)
            or not isinstance(groups, int)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                "GroupNormalization: the argument 'groups' must be a positive int (or -1 for "
                f"instance normalization); received groups={groups!r}."
            )
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(
                f"GroupNormalization: the argument 'axis' must be an int; received axis={axis!r}."
            )
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False  # half-precision inputs are normalized in float32

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError(
                f"Layer {self.name!r}: axis={self.axis} must name a non-batch axis of the "
                f"input; received input_shape={tuple(input_shape)}."
            )
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(
                f"Layer {self.name!r} needs a known size on axis {self.axis}; received "
                f"input_shape={tuple(input_shape)}."
            )
        if self.groups == -1:
            self.groups = channels  # as Keras: the config then records the channel count
        if channels < self.groups or channels % self.groups:
            raise ValueError(
                f"Layer {self.name!r}: groups={self.groups} must divide the {channels} channels "
                f"on axis {self.axis} (input_shape={tuple(input_shape)})."
            )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: channels})
        self.gamma = None
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma", shape=(channels,), initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                autocast=False,
            )  # fmt: skip
        self.beta = None
        if self.center:
            self.beta = self.add_weight(
                name="beta", shape=(channels,), initializer=self.beta_initializer,
                regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                autocast=False,
            )  # fmt: skip

    def call(self, inputs):
        compute_dtype = backend.result_type(self.compute_dtype, "float32")
        x = ops.cast(inputs, compute_dtype)
        input_shape = ops.shape(x)
        ndim = len(input_shape)
        axis = self.axis % ndim
        channels = input_shape[axis]
        # (batch, ..., C, ...) -> (batch, ..., groups, C // groups, ...)
        grouped_shape = [-1, *input_shape[1:axis], self.groups, channels // self.groups]
        grouped_shape += list(input_shape[axis + 1 :])
        grouped = ops.reshape(x, grouped_shape)
        reduction_axes = tuple(i for i in range(1, ndim + 1) if i != axis)  # all but the group
        mean, variance = ops.moments(grouped, axes=reduction_axes, keepdims=True)
        inverse = ops.rsqrt(variance + self.epsilon)
        # gamma / beta are per channel: shaped (groups, C // groups) on the grouped axes.
        weight_shape = [1] * (ndim + 1)
        weight_shape[axis : axis + 2] = [self.groups, channels // self.groups]
        if self.gamma is not None:
            inverse = inverse * ops.reshape(ops.cast(self.gamma, compute_dtype), weight_shape)
        outputs = (grouped - mean) * inverse
        if self.beta is not None:
            outputs = outputs + ops.reshape(ops.cast(self.beta, compute_dtype), weight_shape)
        outputs = ops.reshape(outputs, input_shape)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(
                f"Layer {self.name!r}: axis={self.axis} is out of range for input_shape="
                f"{tuple(input_shape)}."
            )
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": serialize_keras_object(self.beta_initializer),
            "gamma_initializer": serialize_keras_object(self.gamma_initializer),
            "beta_regularizer": serialize_keras_object(self.beta_regularizer),
            "gamma_regularizer": serialize_keras_object(self.gamma_regularizer),
            "beta_constraint": serialize_keras_object(self.beta_constraint),
            "gamma_constraint": serialize_keras_object(self.gamma_constraint),
        }
