"""torch: conv kernels stored in the memory layout torch's convolution reads (no copy per
call), while every reader sees Keras's (*spatial, in, filters) layout (transposed
convolutions: (*spatial, filters, in)).

The reference for values, gradients and optimizer updates is the same network with its
kernels stored contiguously in Keras's layout (the path that copies the kernel per call).
"""

from __future__ import annotations

import numpy as np
import pytest

import lamina as keras
from lamina.layers.convolutional import sliding_window
from tests.harness import assert_close

pytestmark = pytest.mark.engine("torch")


def _is_arranged(variable) -> bool:
    """Whether the kernel's memory is laid out in the variable's memory order."""
    order = variable._memory_order
    return order is not None and variable.value.permute(order).is_contiguous()


def _model(seed: int = 0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
            keras.layers.DepthwiseConv2D(3, depth_multiplier=2),
            keras.layers.SeparableConv2D(5, 3, padding="same"),
            keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(3),
        ]
    )


def _contiguous_model(monkeypatch, seed: int = 0):
    """The same network with kernels stored as Keras lays them out (the copying path)."""
    with monkeypatch.context() as patch:
        patch.setattr(sliding_window, "_ARRANGE_CONV_KERNEL", None)
        return _model(seed)


def _kernels(model):
    return [v for v in model.weights if v.ndim == 4]


def test_kernels_keep_keras_shape_and_values(rng):
    model = _model()
    kernels = _kernels(model)
    assert len(kernels) == 5
    assert [tuple(k.shape) for k in kernels] == [(3, 3, 3, 4), (3, 3, 4, 2), (3, 3, 8, 1),
                                                 (1, 1, 8, 5), (3, 3, 4, 5)]  # fmt: skip
    assert all(_is_arranged(k) for k in kernels)
    assert not any(k.value.is_contiguous() for k in kernels)  # not Keras's memory order
    values = [rng.standard_normal(w.shape).astype("float32") for w in model.weights]
    model.set_weights(values)
    for got, want in zip(model.get_weights(), values):
        assert got.flags.c_contiguous
        np.testing.assert_array_equal(got, want)
    assert all(_is_arranged(k) for k in kernels)  # assignment wrote into the same storage
    state = model.state_dict()
    assert tuple(state[next(k for k in state if "conv2d" in k)].shape) == (3, 3, 3, 4)


def test_outputs_and_gradients_equal_the_copying_path(monkeypatch, rng):
    import torch

    model, reference = _model(), _contiguous_model(monkeypatch)
    assert not any(_is_arranged(k) for k in _kernels(reference))
    reference.set_weights(model.get_weights())
    x = rng.standard_normal((2, 8, 8, 3)).astype("float32")
    outputs = []
    for network in (model, reference):
        y = network(x)
        torch.sum(y * y).backward()
        outputs.append(y)
    assert_close(outputs[0], outputs[1], rtol=1e-5, atol=1e-5)
    for variable, expected in zip(model.trainable_weights, reference.trainable_weights):
        grad = variable.value.grad
        assert grad.stride() == variable.value.stride()  # taken by autograd as it came
        assert_close(grad, expected.value.grad, rtol=1e-4, atol=1e-5)


@pytest.mark.training
def test_fit_updates_equal_the_copying_path(monkeypatch, rng):
    x = rng.standard_normal((8, 8, 8, 3)).astype("float32")
    y = rng.integers(0, 3, 8)
    model, reference = _model(), _contiguous_model(monkeypatch)
    reference.set_weights(model.get_weights())
    for network in (model, reference):
        network.compile(
            optimizer=keras.optimizers.Adam(1e-2),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        network.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        assert_close(got, want, rtol=1e-4, atol=1e-5)
    slots = {v.path: v for v in model.optimizer.variables}
    for kernel in _kernels(model):
        slot = slots[f"adam/{kernel.path.replace('/', '_')}_momentum"]
        assert slot._memory_order == kernel._memory_order
        assert slot.value.stride() == kernel.value.stride()  # one multi-tensor fast path
    assert all(_is_arranged(k) for k in _kernels(model))


def test_saved_files_hold_keras_layout(tmp_path, rng):
    model = _model()
    model.set_weights([rng.standard_normal(w.shape).astype("float32") for w in model.weights])
    x = rng.standard_normal((2, 8, 8, 3)).astype("float32")
    path = tmp_path / "layout.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert all(_is_arranged(k) for k in _kernels(loaded))  # loading copies into the layout
    for got, want in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    weights = tmp_path / "layout.weights.h5"
    model.save_weights(weights)
    fresh = _model(seed=1)
    fresh.load_weights(weights)
    assert all(_is_arranged(k) for k in _kernels(fresh))
    for got, want in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_channels_first_kernel_is_torch_contiguous(rng):
    layer = keras.layers.Conv2D(4, (3, 2), data_format="channels_first")
    x = rng.standard_normal((2, 3, 6, 5)).astype("float32")
    y = layer(x)
    assert layer.kernel.value.permute(3, 2, 0, 1).is_contiguous()  # (filters, in, h, w)
    kernel = layer.kernel.numpy().astype(np.float64)
    expected = np.einsum("ncijhw,ijcf->nfhw", _windows(x.astype(np.float64), (3, 2)), kernel)
    assert_close(y, expected + layer.bias.numpy()[:, None, None], rtol=1e-5, atol=1e-5)


def _windows(x, window):
    """The valid windows of a channels_first batch, as (N, C, kh, kw, H', W')."""
    kh, kw = window
    out_h, out_w = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    windows = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    return windows[:, :, :out_h, :out_w].transpose(0, 1, 4, 5, 2, 3)  # (N, C, kh, kw, H', W')


def test_arrange_rejects_an_order_that_is_not_a_permutation():
    variable = keras.Variable(np.ones((2, 3, 4, 5), "float32"))
    with pytest.raises(ValueError, match=r"order must be a permutation.*\(3, 0, 1\)"):
        variable._arrange((3, 0, 1))
    assert variable._memory_order is None
    assert variable.value.is_contiguous()


def test_data_parallel_buckets_keep_gradient_strides(rng):
    """The data-parallel reducer flattens each gradient in its kernel's memory order (a view)
    and hands back a gradient with the kernel's strides and the same values."""
    import torch

    from lamina.backend.torch import data_parallel

    layer = keras.layers.Conv2D(4, 3)
    layer.build((None, 5, 5, 3))
    kernel = layer.kernel.value
    gradient = torch.empty_like(kernel).copy_(torch.from_numpy(rng.standard_normal((3, 3, 3, 4))))
    assert gradient.stride() == kernel.stride()
    flat = gradient.permute(data_parallel._storage_order(kernel)).reshape(-1)
    assert flat.data_ptr() == gradient.data_ptr()  # no copy
    averaged = data_parallel._unflatten(flat.clone(), kernel)
    assert averaged.stride() == kernel.stride()
    assert torch.equal(averaged, gradient)
