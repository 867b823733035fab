"""``lamina.StatelessScope`` on every engine: reads see the mapped values, writes go to the
scope, the variables themselves never change."""

import threading

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops
from tests.harness import assert_close, to_numpy


def make_variable(rng, shape=(3, 2), name="v"):
    return backend.Variable(rng.standard_normal(shape).astype("float32"), name=name)


def test_reads_see_the_mapped_value_and_writes_stay_in_the_scope(rng):
    variable = make_variable(rng)
    original = variable.numpy()
    mapped = rng.standard_normal((3, 2)).astype("float32")
    update = rng.standard_normal((3, 2)).astype("float32")
    with lamina.StatelessScope(state_mapping=[(variable, mapped)]) as scope:
        assert_close(variable.value, mapped)
        assert_close(ops.add(variable, 1.0), mapped + 1.0)  # ops read through the scope
        variable.assign(update)
        assert_close(variable.value, update)
        variable.assign_add(np.ones((3, 2), "float32"))
        variable.assign_sub(np.full((3, 2), 0.5, "float32"))
        assert_close(variable.value, update + 0.5)
    assert_close(scope.get_current_value(variable), update + 0.5)
    assert [v is variable for v, _ in scope.updates()] == [True]
    np.testing.assert_array_equal(variable.numpy(), original)
    # Outside the scope writes reach the variable again.
    variable.assign(update)
    assert_close(variable, update)


def test_unmapped_variables_fall_through_to_enclosing_scopes(rng):
    first, second = make_variable(rng, name="a"), make_variable(rng, name="b")
    outer_value = rng.standard_normal((3, 2)).astype("float32")
    with lamina.StatelessScope(state_mapping=[(first, outer_value)]):
        with lamina.StatelessScope() as inner:
            assert_close(first.value, outer_value)  # from the outer scope
            assert_close(second.value, second.numpy())  # the variable itself
            second.assign(outer_value)
            assert inner.get_current_value(second) is not None
            assert inner.get_current_value(first) is None
        assert_close(second.value, second.numpy())  # the inner write left with its scope


def test_a_layer_computes_with_the_mapped_weights_and_keeps_its_own(rng):
    layer = layers.Dense(2)
    x = rng.standard_normal((4, 3)).astype("float32")
    layer(x)
    kernel, bias = layer.kernel.numpy(), layer.bias.numpy()
    new_kernel = rng.standard_normal((3, 2)).astype("float32")
    new_bias = rng.standard_normal((2,)).astype("float32")
    with lamina.StatelessScope(state_mapping=[(layer.kernel, new_kernel), (layer.bias, new_bias)]):
        outputs = layer(x)
    expected = x.astype("float64") @ new_kernel.astype("float64") + new_bias
    assert_close(outputs, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    np.testing.assert_array_equal(layer.bias.numpy(), bias)


def test_collect_losses_takes_the_layers_losses(rng):
    class WithLoss(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(ops.square(x)))
            return x

    layer = WithLoss()
    x = rng.standard_normal((2, 3)).astype("float32")
    with lamina.StatelessScope(collect_losses=True) as scope:
        layer(x)
    assert len(scope.losses) == 1
    assert_close(scope.losses[0], np.sum(x.astype("float64") ** 2), rtol=1e-5)
    assert layer.losses == []


def test_the_scope_belongs_to_its_thread(rng):
    variable = make_variable(rng)
    seen = {}
    entered, release = threading.Event(), threading.Event()

    def other_thread():
        entered.wait(10)
        seen["value"] = to_numpy(variable.value)
        release.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with lamina.StatelessScope(state_mapping=[(variable, np.zeros((3, 2), "float32") + 7)]):
        entered.set()
        release.wait(10)
    thread.join(10)
    np.testing.assert_array_equal(seen["value"], variable.numpy())


def test_bad_arguments_are_named(rng):
    variable = make_variable(rng)
    with pytest.raises(ValueError, match="expects \\(Variable, value\\) pairs.*ndarray"):
        lamina.StatelessScope(state_mapping=[(np.zeros(2), np.zeros(2))])
    with pytest.raises(ValueError, match=r"has shape \(3, 2\).*shape \(2,\)"):
        lamina.StatelessScope(state_mapping=[(variable, np.zeros(2, "float32"))])
    with pytest.raises(NotImplementedError, match="initialize_variables=False"):
        lamina.StatelessScope(initialize_variables=False)


@pytest.mark.training
def test_an_optimizer_step_inside_changes_nothing(rng):
    variable = make_variable(rng)
    original = variable.numpy()
    optimizer = lamina.optimizers.AdamW(learning_rate=0.1, weight_decay=0.1)
    optimizer.build([variable])
    gradient = ops.convert_to_tensor(rng.standard_normal((3, 2)).astype("float32"))
    with lamina.StatelessScope() as scope:
        optimizer.apply([gradient], [variable])
    np.testing.assert_array_equal(variable.numpy(), original)
    assert int(to_numpy(optimizer.iterations)) == 0
    assert not np.allclose(to_numpy(scope.get_current_value(variable)), original)
