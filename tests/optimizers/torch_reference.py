"""Run a ``torch.optim`` optimizer on the problem ``reference.random_problem`` makes (torch
engine tests only: torch is imported when called)."""

from __future__ import annotations

import numpy as np


def run_torch_optimizer(name, kwargs, values, grads_per_step):
    """The final float64 values after ``torch.optim.<name>(**kwargs)`` applies each step."""
    import torch

    params = [torch.tensor(np.asarray(v, np.float64), requires_grad=True) for v in values]
    optimizer = getattr(torch.optim, name)(params, **kwargs)
    for grads in grads_per_step:
        for param, grad in zip(params, grads):
            param.grad = torch.tensor(np.asarray(grad, np.float64))
        optimizer.step()
    return [param.detach().numpy() for param in params]
