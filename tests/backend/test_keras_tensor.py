"""KerasTensor: symbolic placeholders whose operators build graph nodes with inferred shapes."""

import pytest

from lamina import backend, ops

KT = backend.KerasTensor


def _is_node_output(tensor):
    return isinstance(tensor, KT) and tensor._keras_history is not None


def test_attributes():
    x = KT((None, 3), dtype="float16", name="x")
    assert x.shape == (None, 3)
    assert x.ndim == 2
    assert x.dtype == "float16"
    assert "None, 3" in repr(x)
    assert backend.is_keras_tensor(x)
    assert backend.any_symbolic_tensors(([1, x],))
    assert backend.any_symbolic_tensors((), {"a": x})
    assert not backend.any_symbolic_tensors((1, [2.0]))


@pytest.mark.parametrize(
    ("build", "shape", "dtype"),
    [
        (lambda x, y: x + y, (None, 3), "float32"),
        (lambda x, y: x + 1, (None, 3), "float32"),
        (lambda x, y: 1.0 + x, (None, 3), "float32"),
        (lambda x, y: x - y, (None, 3), "float32"),
        (lambda x, y: 2 - x, (None, 3), "float32"),
        (lambda x, y: x * y, (None, 3), "float32"),
        (lambda x, y: 2 * x, (None, 3), "float32"),
        (lambda x, y: x / 2, (None, 3), "float32"),
        (lambda x, y: 1 / x, (None, 3), "float32"),
        (lambda x, y: x // 2, (None, 3), "float32"),
        (lambda x, y: 3 // x, (None, 3), "float32"),
        (lambda x, y: x % 2, (None, 3), "float32"),
        (lambda x, y: x**2, (None, 3), "float32"),
        (lambda x, y: 2**x, (None, 3), "float32"),
        (lambda x, y: -x, (None, 3), "float32"),
        (lambda x, y: abs(x), (None, 3), "float32"),
        (lambda x, y: x < y, (None, 3), "bool"),
        (lambda x, y: x <= 0, (None, 3), "bool"),
        (lambda x, y: x > y, (None, 3), "bool"),
        (lambda x, y: x >= 1.0, (None, 3), "bool"),
        (lambda x, y: (x > 0) & (y > 0), (None, 3), "bool"),
        (lambda x, y: (x > 0) | (y > 0), (None, 3), "bool"),
        (lambda x, y: ~(x > 0), (None, 3), "bool"),
        (lambda x, y: x @ KT((3, 5)), (None, 5), "float32"),
        (lambda x, y: KT((4, None)) @ x, (4, 3), "float32"),
        (lambda x, y: x[:, 0], (None,), "float32"),
        (lambda x, y: x[0], (3,), "float32"),
        (lambda x, y: x[..., 1:], (None, 2), "float32"),
        (lambda x, y: x.T, (3, None), "float32"),
        (lambda x, y: x.reshape((-1,)), (None,), "float32"),
        (lambda x, y: x.astype("int32"), (None, 3), "int32"),
        (lambda x, y: x + KT((3,), "float64"), (None, 3), "float64"),
    ],
)
def test_operators_build_nodes(build, shape, dtype):
    x, y = KT((None, 3)), KT((None, 3))
    out = build(x, y)
    assert _is_node_output(out)
    assert out.shape == shape
    assert out.dtype == dtype


def test_positive_returns_itself():
    x = KT((2,))
    assert +x is x


def test_node_links_inputs_and_outputs():
    x = KT((None, 4))
    y = ops.relu(x + 1)
    operation, node_index, tensor_index = y._keras_history
    node = operation._inbound_nodes[node_index]
    assert tensor_index == 0
    assert node.output_tensors == [y]
    (parent,) = node.parent_nodes
    assert len(parent.input_tensors) == 1
    assert parent.input_tensors[0] is x


def test_broadcasting_with_unknown_dims():
    assert (KT((None, 1, 3)) + KT((4, 1))).shape == (None, 4, 3)
    assert (KT((None, None)) * KT((None, None))).shape == (None, None)


def test_incompatible_shapes_raise():
    with pytest.raises((ValueError, RuntimeError)):
        KT((None, 3)) + KT((None, 4))


def test_no_values():
    x = KT((None, 3))
    with pytest.raises(TypeError, match="bool"):
        bool(x)
    with pytest.raises(TypeError, match="iterated"):
        iter(x)
    with pytest.raises(TypeError, match="first dimension"):
        len(x)
    assert len(KT((4, 3))) == 4
