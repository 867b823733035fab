"""EinsumDense: a dense layer whose product is any einsum of the input with a kernel."""

from __future__ import annotations

import math
import re

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.initializers import VarianceScaling
from lamina.layers.core.lora import LoraMixin
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object

_FORMS = (  # (pattern, ellipsis side) over the equation with "..." written as "0"
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
    (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", "left"),
    (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", "right"),
)


def _split_equation(equation):
    written = str(equation).replace("...", "0")
    for pattern, elided_side in _FORMS:
        found = re.fullmatch(pattern, written)
        if found:
            return (*found.groups(), elided_side)
    raise ValueError(
        f"EinsumDense: equation must have the form 'ab,bc->ac', '...b,bc->...c' or "
        f"'ab...,bc->ac...'; received equation={equation!r}."
    )


def analyze_einsum(equation, bias_axes, input_shape, partial_output_shape):
    """(kernel_shape, bias_shape or None, full output shape, kernel input axes, kernel output
    axes) of ``equation`` on ``input_shape`` with the output's non-batch dims given."""
    input_spec, weight_spec, output_spec, elided_side = _split_equation(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(input_spec)
    output_shape = [input_shape[0], *partial_output_shape]
    if elided > 0 and elided_side == "left":
        output_shape[1:1] = input_shape[1:elided]
    elif elided > 0:
        output_shape.extend(input_shape[len(input_shape) - elided :])
    left = elided if elided_side == "left" else 0
    input_axis = {letter: i + left for i, letter in enumerate(input_spec)}
    output_axis = {letter: i + left for i, letter in enumerate(output_spec)}
    for letter in input_spec:
        if letter in output_axis:
            size = output_shape[output_axis[letter]]
            if size is not None and size != input_shape[input_axis[letter]]:
                raise ValueError(
                    f"EinsumDense: input and output disagree on dimension {letter!r} of "
                    f"{equation!r}: input shape {input_shape}, output shape {output_shape}."
                )
            # A None output size of a letter the input carries is the input's size.
            output_shape[output_axis[letter]] = input_shape[input_axis[letter]]
    for letter in output_spec:
        if letter not in input_spec and letter not in weight_spec:
            raise ValueError(
                f"EinsumDense: output dimension {letter!r} of {equation!r} is in neither the "
                "input nor the kernel."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for index, letter in enumerate(weight_spec):
        if letter in output_axis:
            kernel_shape.append(output_shape[output_axis[letter]])
            output_axes.append(index)
        elif letter in input_axis:
            kernel_shape.append(input_shape[input_axis[letter]])
            input_axes.append(index)
        else:
            raise ValueError(
                f"EinsumDense: kernel dimension {letter!r} of {equation!r} is in neither the "
                "input nor the output, so its size is unknown."
            )
    bias_shape = None
    if bias_axes is not None:
        for letter in bias_axes:
            if letter not in output_spec:
                raise ValueError(
                    f"EinsumDense: bias_axes letter {letter!r} is not in the output "
                    f"'{output_spec}' of {equation!r}."
                )
        first = min(output_spec.index(letter) for letter in bias_axes)
        bias_shape = [
            output_shape[output_axis[letter]] if letter in bias_axes else 1
            for letter in output_spec[first:]
        ]
        if elided_side != "left":
            bias_shape.extend([1] * max(elided, 0))
    return kernel_shape, bias_shape, tuple(output_shape), input_axes, output_axes


def _fan_aware(initializer, input_axes, output_axes):
    """A VarianceScaling initializer whose fans are the kernel's input and output axes (as
    Keras's ``input_axes``/``output_axes``), not the last two dimensions'."""

    def initialize(shape, dtype=None):
        fan_in = math.prod(shape[axis] for axis in input_axes)
        fan_out = math.prod(shape[axis] for axis in output_axes)
        order = [*input_axes, *output_axes]
        flat = initializer((fan_in, fan_out), dtype=dtype)  # i.i.d.: only the fans matter
        grouped = ops.reshape(flat, [shape[axis] for axis in order])
        return ops.transpose(grouped, [order.index(axis) for axis in range(len(shape))])

    return initialize


class EinsumDense(LoraMixin, Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``.

    ``equation`` is ``"<input>,<kernel>-><output>"`` (``"ab,bc->ac"`` is Dense); a leading or
    trailing ``...`` stands for axes passed through. ``output_shape`` gives the output's
    dimensions after the batch one (None for a dimension taken from the input).
    ``bias_axes`` names the output letters that get a bias.

    >>> layer = EinsumDense("abc,cde->abde", output_shape=(None, 8, 16), bias_axes="de")
    >>> layer(np.ones((2, 5, 32))).shape  # kernel (32, 8, 16), bias (8, 16)
    (2, 5, 8, 16)
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._init_lora(lora_rank, lora_alpha)
        _split_equation(equation)
        self.equation = equation
        if isinstance(output_shape, int):
            output_shape = (output_shape,)
        if not isinstance(output_shape, (list, tuple)):
            raise TypeError(
                "EinsumDense: output_shape must be an int or a tuple of ints and Nones; "
                f"received output_shape={output_shape!r}."
            )
        self.partial_output_shape = tuple(output_shape)
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise TypeError(
                f"EinsumDense: bias_axes must be a string of output letters or None; "
                f"received bias_axes={bias_axes!r}."
            )
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        kernel_shape, bias_shape, _, input_axes, output_axes = analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )
        if any(size is None for size in kernel_shape):
            raise ValueError(
                f"Layer {self.name!r} needs known sizes for its kernel {kernel_shape}; "
                f"received input_shape={tuple(input_shape)}."
            )
        self.input_spec = InputSpec(ndim=len(input_shape))
        initializer = self.kernel_initializer
        if isinstance(initializer, VarianceScaling):
            initializer = _fan_aware(initializer, input_axes, output_axes)
        self._kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True
        self._enable_lora_after_build()

    @property
    def kernel(self):
        """The kernel variable; with LoRA on, the kernel plus the scaled low-rank update."""
        return self._lora_weight()

    def call(self, inputs):
        outputs = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return analyze_einsum(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape
        )[2]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "output_shape": list(self.partial_output_shape),
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            **self._lora_config(),
        }
