"""One shared harness for numerical checks: values and gradients against float64 NumPy.

Gradients: the engine's autodiff (``engine_gradients``) is compared with central finite
differences of the NumPy reference in float64 (``numeric_gradients``), on random inputs.
"""

from __future__ import annotations

import numpy as np

from lamina import backend


def to_numpy(x):
    return np.asarray(backend.convert_to_numpy(x), dtype=np.float64)


def assert_close(actual, expected, rtol=1e-5, atol=1e-6, err_msg=""):
    actual = to_numpy(actual) if not isinstance(actual, np.ndarray) else actual
    expected = to_numpy(expected) if backend.is_tensor(expected) else expected
    np.testing.assert_allclose(
        np.asarray(actual, np.float64), np.asarray(expected, np.float64),
        rtol=rtol, atol=atol, err_msg=err_msg,
    )  # fmt: skip


def engine_gradients(fn, arrays, variables=()):
    """Gradients of ``sum(fn(*tensors))`` w.r.t. each array (and each Variable), as NumPy."""
    name = backend.backend()
    if name == "torch":
        import torch

        tensors = [
            backend.convert_to_tensor(np.asarray(a), dtype=np.asarray(a).dtype.name)
            .detach()
            .clone()
            .requires_grad_(True)
            for a in arrays
        ]
        for variable in variables:
            variable.value.grad = None
        out = fn(*tensors)
        total = torch.sum(out)
        total.backward()
        grads = [to_numpy(t.grad) for t in tensors]
        grads += [to_numpy(variable.value.grad) for variable in variables]
        return grads
    if name == "jax":
        import jax
        import jax.numpy as jnp

        from lamina.backend.jax.core import StatelessScope

        values = [v.value for v in variables]

        def total(arrays_and_values):
            xs, vs = arrays_and_values
            mapping = list(zip(variables, vs))
            with StatelessScope(state_mapping=mapping):
                return jnp.sum(fn(*xs))

        grads_x, grads_v = jax.grad(total)(([jnp.asarray(a) for a in arrays], values))
        return [np.asarray(g, np.float64) for g in list(grads_x) + list(grads_v)]
    if name == "tensorflow":
        import tensorflow as tf

        tensors = [tf.constant(np.asarray(a)) for a in arrays]
        with tf.GradientTape() as tape:
            tape.watch(tensors)
            total = tf.reduce_sum(fn(*tensors))
        grads = tape.gradient(total, tensors + [v.value for v in variables])
        # A gather's gradient (Embedding) is tf.IndexedSlices: densify it.
        return [np.asarray(tf.convert_to_tensor(g), np.float64) for g in grads]
    import pytest

    pytest.skip(f"the {name} engine has no autodiff (inference only)")
    return []  # not reached: skip raises


def numeric_gradients(fn_np, arrays, eps=1e-6):
    """Central differences of ``sum(fn_np(*arrays))`` in float64."""
    arrays = [np.array(a, dtype=np.float64, order="C") for a in arrays]  # reshape must be a view
    grads = []
    for index, array in enumerate(arrays):
        grad = np.zeros_like(array, order="C")
        flat, grad_flat = array.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            plus = np.sum(fn_np(*arrays))
            flat[i] = original - eps
            minus = np.sum(fn_np(*arrays))
            flat[i] = original
            grad_flat[i] = (plus - minus) / (2 * eps)
        grads.append(grad)
        arrays[index] = array
    return grads


def check_gradients(fn, reference, arrays, rtol=1e-5, atol=1e-6, eps=1e-6, err_msg=""):
    """The engine's gradient of ``sum(fn(*tensors))`` with respect to each array equals the
    float64 central finite difference of ``sum(reference(*arrays))`` (NumPy). Inputs should
    be float64 and away from the op's kinks. Skips on an engine without autodiff (NumPy)."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    got = engine_gradients(fn, arrays)
    expected = numeric_gradients(reference, arrays, eps=eps)
    assert len(got) == len(expected) == len(arrays), err_msg
    for index, (actual, wanted) in enumerate(zip(got, expected)):
        assert_close(actual, wanted, rtol=rtol, atol=atol, err_msg=f"{err_msg} input {index}")


def away_from(x, kinks, margin=0.05):
    """``x`` with each entry within ``margin`` of one of ``kinks`` moved ``2 * margin`` up,
    so a finite difference does not straddle a point where the function has no derivative."""
    x = np.array(x, dtype=np.float64)
    for kink in kinks:
        x = np.where(np.abs(x - kink) < margin, x + 2 * margin, x)
    return x


def check_config_roundtrip(obj):
    """``from_config(get_config())`` rebuilds an object with the same config."""
    config = obj.get_config()
    clone = type(obj).from_config(config)
    assert clone.get_config() == config or _without_names(clone.get_config()) == _without_names(
        config
    )
    return clone


def _without_names(config):
    return {k: v for k, v in config.items() if k != "name"}
