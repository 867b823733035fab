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
    # Negative: the division below then needs no negation of its own (one op fewer a step).
    negative_alpha = _value(learning_rate).to(dtype) * -bias_correction
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
    # w += m / (denominator / -alpha): one fused pass over the weights (addcdiv) instead of
    # a division into a new list, a multiplication and a subtraction.
    torch._foreach_div_(denominators, negative_alpha)
    torch._foreach_addcdiv_(params, m, denominators)


# The kernels below share one form: ``kernel(variables, gradients, constants, *slots,
# **hyperparameters)`` where ``constants`` is what the optimizer's ``_step_constants`` gives
# (device scalars) and each slot is a list of slot variables aligned with ``variables``.
# Each follows its rule in ``lamina.optimizers`` step for step.


def _grads(gradients, params):
    return [g.to(p.dtype) if g.dtype != p.dtype else g for g, p in zip(gradients, params)]


def sgd_update(variables, gradients, learning_rate, momentums, *, momentum, nesterov):
    """SGD: ``w -= lr * g``; with momentum ``v = momentum * v - lr * g`` and ``w += v`` (or
    ``w += momentum * v - lr * g`` with Nesterov)."""
    params = _tensors(variables)
    steps = torch._foreach_mul(_grads(gradients, params), learning_rate)
    if momentum == 0:
        torch._foreach_sub_(params, steps)
        return
    velocities = _tensors(momentums)
    torch._foreach_mul_(velocities, momentum)
    torch._foreach_sub_(velocities, steps)
    if nesterov:
        moves = torch._foreach_mul(velocities, momentum)
        torch._foreach_sub_(moves, steps)
        torch._foreach_add_(params, moves)
    else:
        torch._foreach_add_(params, velocities)


def rmsprop_update(
    variables, gradients, learning_rate, velocities, momentums, averages, *, rho, momentum,
    epsilon, centered,
):  # fmt: skip
    """RMSprop: ``v = rho * v + (1 - rho) * g**2`` (and the gradient average when centered),
    ``w -= lr * g / sqrt(v [- avg**2] + epsilon)``, through a momentum slot when set."""
    params = _tensors(variables)
    grads = _grads(gradients, params)
    v = _tensors(velocities)
    torch._foreach_mul_(v, rho)
    torch._foreach_addcmul_(v, grads, grads, value=1.0 - rho)
    if centered:
        average = _tensors(averages)
        torch._foreach_mul_(average, rho)
        torch._foreach_add_(average, grads, alpha=1.0 - rho)
        denominators = torch._foreach_addcmul(v, average, average, value=-1.0)
        torch._foreach_add_(denominators, epsilon)
    else:
        denominators = torch._foreach_add(v, epsilon)
    torch._foreach_sqrt_(denominators)
    increments = torch._foreach_mul(grads, learning_rate)
    torch._foreach_div_(increments, denominators)
    if momentum > 0:
        moments = _tensors(momentums)
        torch._foreach_mul_(moments, momentum)
        torch._foreach_add_(moments, increments)
        increments = moments
    torch._foreach_sub_(params, increments)


def adagrad_update(variables, gradients, learning_rate, accumulators, *, epsilon):
    """Adagrad: ``acc += g**2``, ``w -= lr * g / sqrt(acc + epsilon)``."""
    params = _tensors(variables)
    grads = _grads(gradients, params)
    accumulated = _tensors(accumulators)
    torch._foreach_addcmul_(accumulated, grads, grads)
    denominators = torch._foreach_add(accumulated, epsilon)
    torch._foreach_sqrt_(denominators)
    steps = torch._foreach_mul(grads, learning_rate)
    torch._foreach_div_(steps, denominators)
    torch._foreach_sub_(params, steps)


def lion_update(variables, gradients, learning_rate, momentums, *, beta_1, beta_2):
    """Lion: ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``, then ``m`` moves toward
    ``g`` by ``1 - beta_2``."""
    params = _tensors(variables)
    grads = _grads(gradients, params)
    m = _tensors(momentums)
    directions = torch._foreach_mul(m, beta_1)
    torch._foreach_add_(directions, grads, alpha=1.0 - beta_1)
    steps = torch._foreach_sign(directions)
    torch._foreach_mul_(steps, learning_rate)
    torch._foreach_sub_(params, steps)
    torch._foreach_lerp_(m, grads, 1.0 - beta_2)


def adamax_update(variables, gradients, alpha, momentums, norms, *, beta_1, beta_2, epsilon):
    """Adamax: ``m`` moves toward ``g``; ``u = max(beta_2 * u, |g|)``;
    ``w -= alpha * m / (u + epsilon)`` (alpha holds the bias correction)."""
    params = _tensors(variables)
    grads = _grads(gradients, params)
    m, u = _tensors(momentums), _tensors(norms)
    torch._foreach_lerp_(m, grads, 1.0 - beta_1)
    torch._foreach_mul_(u, beta_2)
    torch._foreach_maximum_(u, torch._foreach_abs(grads))
    denominators = torch._foreach_add(u, epsilon)
    steps = torch._foreach_mul(m, alpha)
    torch._foreach_div_(steps, denominators)
    torch._foreach_sub_(params, steps)


def nadam_update(variables, gradients, constants, momentums, velocities, *, beta_1, beta_2,
                 epsilon):  # fmt: skip
    """Nadam: Adam's moments with the Nesterov-corrected first moment
    ``m_hat = m * momentum_scale + g * gradient_scale`` (scales from ``constants``)."""
    learning_rate, momentum_scale, gradient_scale, beta_2_correction = constants
    params = _tensors(variables)
    grads = _grads(gradients, params)
    m, v = _tensors(momentums), _tensors(velocities)
    torch._foreach_lerp_(m, grads, 1.0 - beta_1)
    torch._foreach_lerp_(v, torch._foreach_mul(grads, grads), 1.0 - beta_2)
    corrected = torch._foreach_mul(m, momentum_scale)
    torch._foreach_add_(corrected, torch._foreach_mul(grads, gradient_scale))
    denominators = torch._foreach_div(v, beta_2_correction)
    torch._foreach_sqrt_(denominators)
    torch._foreach_add_(denominators, epsilon)
    torch._foreach_mul_(corrected, learning_rate)
    torch._foreach_div_(corrected, denominators)
    torch._foreach_sub_(params, corrected)


def adadelta_update(variables, gradients, learning_rate, accumulated_grads, accumulated_deltas,
                    *, rho, epsilon):  # fmt: skip
    """Adadelta: running averages of ``g**2`` and of the squared steps set the step
    ``delta = sqrt(acc_delta + eps) / sqrt(acc_grad + eps) * g``; ``w -= lr * delta``."""
    params = _tensors(variables)
    grads = _grads(gradients, params)
    acc_grad, acc_delta = _tensors(accumulated_grads), _tensors(accumulated_deltas)
    torch._foreach_lerp_(acc_grad, torch._foreach_mul(grads, grads), 1.0 - rho)
    deltas = torch._foreach_add(acc_delta, epsilon)
    torch._foreach_sqrt_(deltas)
    denominators = torch._foreach_add(acc_grad, epsilon)
    torch._foreach_sqrt_(denominators)
    torch._foreach_div_(deltas, denominators)
    torch._foreach_mul_(deltas, grads)
    torch._foreach_lerp_(acc_delta, torch._foreach_mul(deltas, deltas), 1.0 - rho)
    torch._foreach_mul_(deltas, learning_rate)
    torch._foreach_sub_(params, deltas)


def weight_decay_update(variables, decay):
    """Decoupled weight decay for variables of one dtype: ``w *= 1 - decay`` in one
    multi-tensor pass (``decay`` = learning rate * weight_decay, a device scalar), as
    ``Optimizer._apply_weight_decay``'s ``w -= w * decay``."""
    torch._foreach_mul_(_tensors(variables), 1.0 - _value(decay))
