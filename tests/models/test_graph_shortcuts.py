"""The two shortcuts a functional model takes when running on torch (layers/in_place.py and
layers/folded_padding.py): ReLU-type activations written over a tensor nothing else reads,
and ZeroPadding layers folded into the convolution that reads them. On every engine the
outputs equal running the same layers one by one; on torch the shortcut is really taken."""

import numpy as np
import pytest

import lamina as keras
from lamina import backend, layers
from tests.harness import assert_close, to_numpy

TORCH = backend.backend() == "torch"


def layer_by_layer(model, x):
    """The model's outputs computed by calling each layer in graph order by hand: every
    ZeroPadding pads, no activation overwrites its input."""
    values = {id(model.inputs[0]): x}
    for node in model._nodes:
        if node.is_input:
            continue
        args, kwargs = node.substitute(values)
        outputs = node.operation(*args, **kwargs)
        for tensor, value in zip(node.output_tensors, keras.tree.flatten(outputs)):
            values[id(tensor)] = backend.convert_to_tensor(to_numpy(value))  # a private copy
    return values[id(model.outputs[0])]


def mobilenet_like(channels=8):
    """MobileNetV2's shapes in small: asymmetric ZeroPadding before stride-2 valid convs
    (depthwise and regular), BN -> ReLU6, Conv -> BN -> Activation("relu"), Add -> ReLU."""
    inputs = keras.Input((15, 14, 3))
    x = layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs)
    x = layers.Conv2D(channels, 3, strides=2, use_bias=False)(x)  # 3 input channels
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x)
    skip = x
    x = layers.ZeroPadding2D(((1, 2), (2, 0)))(x)
    x = layers.DepthwiseConv2D(3, strides=2)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu6")(x)
    x = layers.ZeroPadding2D(((0, 1), (1, 1)))(x)
    x = layers.Conv2D(channels, 2, strides=1)(x)  # more channels: padded into a copy
    x = layers.Activation("relu")(x)
    x = layers.UpSampling2D(2)(x)
    crop = ((0, x.shape[1] - skip.shape[1]), (0, x.shape[2] - skip.shape[2]))
    x = layers.Add()([layers.Cropping2D(crop)(x), skip])
    x = layers.ReLU()(x)
    x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, layers.Dense(3)(x))


@pytest.fixture
def model():
    model = mobilenet_like()
    rng = np.random.default_rng(7)
    for layer in model.layers:  # moving statistics away from 0 / 1
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_mean.assign(rng.normal(size=layer.moving_mean.shape).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 2.0, layer.moving_variance.shape))
    return model


def test_outputs_equal_the_layers_called_one_by_one(model, rng):
    x = rng.standard_normal((4, 15, 14, 3)).astype("float32")
    expected = layer_by_layer(model, backend.convert_to_tensor(x))
    assert_close(model(x, training=False), expected, rtol=1e-5, atol=1e-5)
    assert_close(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_the_input_and_tensors_read_twice_are_not_overwritten(rng):
    inputs = keras.Input((5,))
    shared = layers.Dense(5)(inputs)  # read by two ReLUs: donated to neither
    first = layers.ReLU()(shared)
    second = layers.Activation("relu")(shared)
    direct = layers.ReLU()(inputs)  # the model's input: never donated
    model = keras.Model(inputs, [first, second, layers.Subtract()([shared, direct])])
    x = backend.convert_to_tensor(rng.standard_normal((3, 5)).astype("float32"))
    kept = to_numpy(x).copy()
    a, b, difference = model(x)
    np.testing.assert_array_equal(to_numpy(x), kept)
    pre = to_numpy(layer_by_layer(keras.Model(inputs, shared), x))
    assert_close(a, np.maximum(pre, 0.0))
    assert_close(b, np.maximum(pre, 0.0))
    assert_close(difference, pre - np.maximum(kept, 0.0))
    assert (pre < 0).any()  # the check above would see an overwritten tensor


def test_plans_name_the_nodes_they_shortcut(model):
    folded = [
        (node.operation.__class__.__name__, entry[0])
        for node, entry in zip(model._nodes, model._folded)
        if entry is not None
    ]
    donated = [
        node.operation.__class__.__name__
        for node, entry in zip(model._nodes, model._donated)
        if entry is not None
    ]
    if not TORCH:  # no folded kernels: every ZeroPadding pads
        assert folded == []
    else:
        assert folded == [
            ("ZeroPadding2D", "skip"), ("Conv2D", "pads"),
            ("ZeroPadding2D", "skip"), ("DepthwiseConv2D", "pads"),
            ("ZeroPadding2D", "skip"), ("Conv2D", "pads"),
        ]  # fmt: skip
    # Each activation reads the only use of a BN, Conv2D or Add output.
    assert donated == ["ReLU", "Activation", "Activation", "ReLU"]


def test_a_subclass_that_overrides_the_convolution_is_not_folded():
    class Doubled(layers.Conv2D):
        def convolution_op(self, inputs, kernel, bias=None):
            return super().convolution_op(inputs, kernel * 2.0, bias)

    inputs = keras.Input((6, 6, 2))
    padded = layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs)
    model = keras.Model(inputs, Doubled(2, 3, strides=2)(padded))
    assert model._folded == (None,) * len(model._nodes)


@pytest.mark.skipif(not TORCH, reason="torch's graph shortcuts")
def test_torch_takes_the_shortcuts(model, rng, monkeypatch):
    import torch

    from lamina.backend.torch import nn as torch_nn

    calls = {"folded": 0, "in_place": 0}
    for name, key in (
        ("conv_with_pads", "folded"), ("depthwise_conv_with_pads", "folded"),
        ("relu_in_place", "in_place"),
    ):  # fmt: skip
        original = getattr(torch_nn, name)

        def counted(*args, _original=original, _key=key, **kwargs):
            result = _original(*args, **kwargs)
            calls[_key] += result is not None
            return result

        monkeypatch.setattr(torch_nn, name, counted)
    x = rng.standard_normal((2, 15, 14, 3)).astype("float32")
    with torch.no_grad():
        model(x, training=False)
    assert calls == {"folded": 3, "in_place": 4}
    # With gradients recorded, nothing is overwritten and the gradient is the one of the
    # layers called one by one.
    calls.update(folded=0, in_place=0)
    image = torch.tensor(x, requires_grad=True)
    model(image, training=False).sum().backward()
    assert calls == {"folded": 3, "in_place": 0}
    reference = torch.tensor(x, requires_grad=True)
    layer_by_layer_grad = _layer_by_layer_grad(model, reference)
    assert_close(image.grad, layer_by_layer_grad, rtol=1e-4, atol=1e-5)


def _layer_by_layer_grad(model, image):
    values = {id(model.inputs[0]): image}
    for node in model._nodes:
        if node.is_input:
            continue
        args, kwargs = node.substitute(values)
        outputs = node.operation(*args, **kwargs)
        for tensor, value in zip(node.output_tensors, keras.tree.flatten(outputs)):
            values[id(tensor)] = value
    values[id(model.outputs[0])].sum().backward()
    return image.grad


@pytest.mark.parametrize(
    ("kernel", "pads", "dilation", "depthwise"),
    [
        ((3, 3), ((0, 1), (0, 1)), 1, True),  # MobileNetV2's stride-2 depthwise
        ((3, 2), ((2, 0), (1, 3)), 1, False),  # 3 input channels: a grown kernel
        ((3, 3), ((1, 2), (0, 1)), 2, False),  # dilated: a padded copy
    ],
)
def test_conv_with_pads_equals_a_float64_reference(rng, kernel, pads, dilation, depthwise):
    nn = backend.engine.nn
    if getattr(nn, "conv_with_pads", None) is None:
        pytest.skip(f"the {backend.backend()} engine has no folded convolution")
    x = rng.standard_normal((2, 9, 8, 3))
    if depthwise:
        w = rng.standard_normal((*kernel, 3, 2))
        out = nn.depthwise_conv_with_pads(x.astype("float32"), w.astype("float32"), (2, 2),
                                          pads, "channels_last", dilation)  # fmt: skip
        grouped = w.reshape(*kernel, 1, 6)
        expected = _reference_conv(np.pad(x, ((0, 0), *pads, (0, 0))), grouped, 2, dilation, 3)
    else:
        w = rng.standard_normal((*kernel, 3, 4))
        b = rng.standard_normal(4)
        out = nn.conv_with_pads(x.astype("float32"), w.astype("float32"), (2, 1), pads,
                                "channels_last", dilation, b.astype("float32"))  # fmt: skip
        expected = _reference_conv(np.pad(x, ((0, 0), *pads, (0, 0))), w, (2, 1), dilation, 1)
        expected = expected + b
    assert_close(out, expected, rtol=1e-5, atol=1e-5)


def _reference_conv(x, w, strides, dilation, groups):
    """A float64 'valid' convolution, channels_last, kernel (kh, kw, in/groups, out)."""
    sh, sw = (strides, strides) if isinstance(strides, int) else strides
    kh, kw, per_group, filters = w.shape
    eh, ew = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    oh, ow = (x.shape[1] - eh) // sh + 1, (x.shape[2] - ew) // sw + 1
    out = np.zeros((x.shape[0], oh, ow, filters))
    per_out = filters // groups
    for f in range(filters):
        g = f // per_out
        channels = x[..., g * per_group : (g + 1) * per_group]
        for i in range(kh):
            for j in range(kw):
                window = channels[
                    :,
                    i * dilation : i * dilation + sh * (oh - 1) + 1 : sh,
                    j * dilation : j * dilation + sw * (ow - 1) + 1 : sw,
                ]
                out[..., f] += window @ w[i, j, :, f]
    return out
