"""Multi-tensor optimizer updates on torch: one ``torch._foreach_*`` call per step of the rule
for all variables, instead of a dozen small ops per variable.

Optional engine kernels (see ``backend/contract.py``, OPTIONAL). Each must agree with the
rule written once in ``lamina.optimizers`` (tests/optimizers/test_optimizer_kernels.py);
the optimizer falls back to that rule when an engine has no kernel.
"""

from __future__ import annotations

import torch

from lamina.backend.torch.core import step_counters_on_host


def _tensors(variables):
    return [variable.value for variable in variables]


def _value(x):
    return x.value if hasattr(x, "value") else torch.as_tensor(x)


def adam_update(
    variables,
    gradients,
    momentums,
    velocities,
    velocity_hats,
    learning_rate,
    iterations,
    bias_correction,
    beta_1,
    beta_2,
    epsilon,
):
    """In place, for every variable: one Adam step (``velocity_hats`` is None without AMSGrad).

    ``learning_rate`` and ``iterations`` are device values (0-d, never read back to the
    host). ``bias_correction()`` gives sqrt(1 - beta_2**t) / (1 - beta_1**t) for the coming
    step t as a Python float from the optimizer's host mirror of the step count; once steps
    are replayed as CUDA graphs or compiled (code that must not read a host counter that
    changes every step) it is not called, and the value is computed on the device from
    ``iterations``. Either way it folds into the step size as ``Adam._step_constants`` does.
    """
    params = _tensors(variables)
    dtype = params[0].dtype
    if bias_correction is not None and step_counters_on_host():
        bias_correction = bias_correction()
    else:
        # In float64 and then rounded, as the host's Python float is: the same step size
        # either way (Adam turns tiny differences on near-zero gradients into whole steps).
        step = (_value(iterations) + 1).to(torch.float64)
        bias_correction = torch.sqrt(1.0 - torch.pow(beta_2, step)) / (
            1.0 - torch.pow(beta_1, step)
        )
        bias_correction = bias_correction.to(dtype)
    alpha = _value(learning_rate).to(dtype) * bias_correction
    grads = [g.to(p.dtype) if g.dtype != p.dtype else g for g, p in zip(gradients, params)]
    m, v = _tensors(momentums), _tensors(velocities)
    torch._foreach_lerp_(m, grads, 1.0 - beta_1)  # m += (g - m) * (1 - beta_1)
    torch._foreach_mul_(v, beta_2)
    torch._foreach_addcmul_(v, grads, grads, value=1.0 - beta_2)
    if velocity_hats is not None:
        v_hat = _tensors(velocity_hats)
        torch._foreach_maximum_(v_hat, v)
        v = v_hat
    denominators = torch._foreach_sqrt(v)
    torch._foreach_add_(denominators, epsilon)
    steps = torch._foreach_div(m, denominators)
    torch._foreach_mul_(steps, alpha)
    torch._foreach_sub_(params, steps)
