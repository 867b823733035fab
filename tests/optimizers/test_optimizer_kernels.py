"""An engine's multi-tensor optimizer kernel must agree with the rule written in lamina.ops."""

import numpy as np
import pytest

from lamina import backend, optimizers
from lamina.optimizers import adam as adam_module
from tests.harness import assert_close

KERNELS = getattr(backend.engine, "optimizer_kernels", None)


def run_adam(monkeypatch, use_kernel, amsgrad, steps=4):
    from lamina.optimizers import optimizer as optimizer_module

    if not use_kernel:  # neither the Adam kernel nor the weight-decay one
        monkeypatch.setattr(adam_module, "_KERNELS", None)
        monkeypatch.setattr(optimizer_module, "_KERNELS", None)
    rng = np.random.default_rng(7)
    variables = [
        backend.Variable(rng.standard_normal(shape).astype("float32"), name=f"w{i}")
        for i, shape in enumerate([(3, 4), (4,), ()])
    ]
    optimizer = optimizers.Adam(learning_rate=0.05, amsgrad=amsgrad, weight_decay=0.01)
    for step in range(steps):
        if step == 2:
            optimizer.iterations.assign(9)  # an outside write: the host step count re-reads
        grads = [rng.standard_normal(v.shape).astype("float32") for v in variables]
        optimizer.apply([backend.convert_to_tensor(g) for g in grads], variables)
    monkeypatch.undo()
    return [v.numpy() for v in variables] + [v.numpy() for v in optimizer.variables]


@pytest.mark.skipif(KERNELS is None, reason="this engine has no optimizer kernels")
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_kernel_agrees_with_the_ops_rule(monkeypatch, amsgrad):
    fused = run_adam(monkeypatch, use_kernel=True, amsgrad=amsgrad)
    reference = run_adam(monkeypatch, use_kernel=False, amsgrad=amsgrad)
    assert len(fused) == len(reference)
    assert int(fused[3]) == int(reference[3]) == 11  # adam/iteration: 9 + 2 steps
    for got, want in zip(fused, reference):
        assert_close(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(backend.backend() != "torch", reason="CUDA graphs are the torch engine's")
def test_adam_step_size_on_the_device_equals_the_host_one(monkeypatch):
    """Once CUDA graphs replay steps, the bias correction comes from the device step count;
    it must give bit-identical updates to the host mirror's."""
    from lamina.backend.torch import cuda_graphs

    def train(on_device):
        monkeypatch.setattr(cuda_graphs, "graphs_in_use", on_device)
        rng = np.random.default_rng(3)
        variables = [backend.Variable(rng.standard_normal((5,)).astype("float32"), name="w")]
        optimizer = optimizers.Adam(learning_rate=0.01)
        for _ in range(50):
            gradient = backend.convert_to_tensor(rng.standard_normal(5).astype("float32"))
            optimizer.apply([gradient], variables)
        return variables[0].numpy()

    np.testing.assert_array_equal(train(on_device=True), train(on_device=False))


# Every optimizer with a multi-tensor kernel, in the configurations its kernel branches on.
KERNEL_CASES = {
    "sgd": lambda: optimizers.SGD(learning_rate=0.1),
    "sgd_momentum": lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9),
    "sgd_nesterov": lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    "rmsprop": lambda: optimizers.RMSprop(learning_rate=0.01),
    "rmsprop_centered_momentum": lambda: optimizers.RMSprop(
        learning_rate=0.01, momentum=0.5, centered=True
    ),
    "adagrad": lambda: optimizers.Adagrad(learning_rate=0.1),
    "lion": lambda: optimizers.Lion(learning_rate=0.01, weight_decay=0.01),
    "adamax": lambda: optimizers.Adamax(learning_rate=0.05),
    "nadam": lambda: optimizers.Nadam(learning_rate=0.05),
    "adadelta": lambda: optimizers.Adadelta(learning_rate=1.0),
}


def run_optimizer(monkeypatch, make, use_kernel, steps=4):
    from lamina.optimizers import optimizer as optimizer_module

    calls = []
    if use_kernel:
        real = optimizer_module.Optimizer._run_kernel

        def counting(self, *args):
            ran = real(self, *args)
            calls.append(ran)
            return ran

        monkeypatch.setattr(optimizer_module.Optimizer, "_run_kernel", counting)
    else:
        monkeypatch.setattr(optimizer_module, "_KERNELS", None)
    rng = np.random.default_rng(5)
    variables = [
        backend.Variable(rng.standard_normal(shape).astype("float32"), name=f"w{i}")
        for i, shape in enumerate([(3, 4), (4,), ()])
    ]
    optimizer = make()
    for _ in range(steps):
        grads = [rng.standard_normal(v.shape).astype("float32") for v in variables]
        optimizer.apply([backend.convert_to_tensor(g) for g in grads], variables)
    monkeypatch.undo()
    if use_kernel:
        assert calls == [True] * steps  # the kernel really ran every step
    return [v.numpy() for v in variables] + [v.numpy() for v in optimizer.variables]


@pytest.mark.skipif(KERNELS is None, reason="this engine has no optimizer kernels")
@pytest.mark.parametrize("case", sorted(KERNEL_CASES))
def test_each_kernel_agrees_with_its_ops_rule(monkeypatch, case):
    fused = run_optimizer(monkeypatch, KERNEL_CASES[case], use_kernel=True)
    reference = run_optimizer(monkeypatch, KERNEL_CASES[case], use_kernel=False)
    assert len(fused) == len(reference)
    for got, want in zip(fused, reference):
        assert_close(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(KERNELS is None, reason="this engine has no optimizer kernels")
def test_an_overridden_rule_is_not_replaced_by_the_kernel(monkeypatch):
    class HalfSGD(optimizers.SGD):
        def _update(self, gradient, variable, learning_rate):
            super()._update(gradient * 0.5, variable, learning_rate)

    variable = backend.Variable(np.ones(3, "float32"), name="w")
    HalfSGD(learning_rate=1.0).apply([backend.convert_to_tensor(np.ones(3, "float32"))], [variable])
    np.testing.assert_allclose(variable.numpy(), 0.5)
