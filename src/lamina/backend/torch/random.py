"""Random numbers on PyTorch. ``seed`` is None (the global stream), an int or a SeedGenerator."""

from __future__ import annotations

import torch

from lamina.backend.common.seed_generator import draw_seed
from lamina.backend.torch.core import convert_to_tensor, get_device, to_torch_dtype


def _generator(seed):
    seed = draw_seed(seed)
    if seed is None or _capturing():
        # A step being captured as a CUDA graph draws from the global generator, the one
        # whose state graphs advance on every replay (a generator made per call would be
        # frozen into the graph, giving the same mask every step).
        return None
    generator = torch.Generator(device=get_device())
    generator.manual_seed(seed)
    return generator


def _capturing() -> bool:
    return torch.cuda.is_available() and torch.cuda.is_current_stream_capturing()


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def set_global_seed(seed: int) -> None:
    torch.manual_seed(seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    out = torch.empty(_shape(shape), dtype=to_torch_dtype(dtype), device=get_device())
    return out.normal_(mean, stddev, generator=_generator(seed))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    out = torch.empty(_shape(shape), dtype=to_torch_dtype(dtype), device=get_device())
    return out.uniform_(minval, maxval, generator=_generator(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal values redrawn until they fall within two standard deviations of the mean."""
    out = torch.empty(_shape(shape), dtype=to_torch_dtype(dtype), device=get_device())
    torch.nn.init.trunc_normal_(out, 0.0, 1.0, -2.0, 2.0, generator=_generator(seed))
    return out * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return torch.randint(
        minval, maxval, _shape(shape), generator=_generator(seed),
        dtype=to_torch_dtype(dtype), device=get_device(),
    )  # fmt: skip


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = convert_to_tensor(inputs)
    if noise_shape is None:
        generator = _generator(seed)
        if generator is None:
            return torch.nn.functional.dropout(inputs, p=rate, training=True)
        noise_shape = inputs.shape
    else:
        noise_shape = tuple(d if d is not None else s for d, s in zip(noise_shape, inputs.shape))
        generator = _generator(seed)
    keep = torch.empty(noise_shape, device=inputs.device).uniform_(generator=generator) >= rate
    return torch.where(keep, inputs / (1.0 - rate), torch.zeros_like(inputs))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    generator = _generator(seed)
    device = generator.device if generator is not None else x.device
    order = torch.randperm(x.shape[axis], generator=generator, device=device).to(x.device)
    return torch.index_select(x, axis, order)


def categorical(logits, num_samples, dtype="int32", seed=None):
    probabilities = torch.softmax(convert_to_tensor(logits), dim=-1)
    samples = torch.multinomial(
        probabilities, num_samples, replacement=True, generator=_generator(seed)
    )
    return samples.to(to_torch_dtype(dtype))


def _filled(shape, value, dtype):
    """``value`` (a number or a tensor that broadcasts) as a dense tensor of ``shape``."""
    value = torch.as_tensor(value, dtype=dtype, device=get_device())
    return torch.broadcast_to(value, _shape(shape)).contiguous()


def _standard_gamma(shape, alpha, dtype, generator):
    concentration = _filled(shape, alpha, dtype)
    # torch.distributions.Gamma takes no generator; its sampler does.
    return torch._standard_gamma(concentration, generator=generator)


def gamma(shape, alpha, dtype=None, seed=None):
    return _standard_gamma(shape, alpha, to_torch_dtype(dtype), _generator(seed))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta): both from one generator, so the
    second draw continues the first's stream."""
    dtype, generator = to_torch_dtype(dtype), _generator(seed)
    first = _standard_gamma(shape, alpha, dtype, generator)
    second = _standard_gamma(shape, beta, dtype, generator)
    return first / (first + second)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dtype = to_torch_dtype(dtype)
    counts, probabilities = _filled(shape, counts, dtype), _filled(shape, probabilities, dtype)
    return torch.binomial(counts, probabilities, generator=_generator(seed))


def get_global_state() -> dict:
    """The global stream's state as JSON-ready data (BackupAndRestore): torch's CPU
    generator, and each CUDA device's where CUDA is in use."""
    state = {"cpu": torch.get_rng_state().tolist()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = [device.tolist() for device in torch.cuda.get_rng_state_all()]
    return state


def set_global_state(state) -> None:
    """Set the global stream back to a ``get_global_state()``."""
    if not isinstance(state, dict) or "cpu" not in state:
        raise ValueError(
            "set_global_state expects the dict that get_global_state returned (torch engine, "
            f"with a 'cpu' entry); received {type(state).__name__}."
        )
    torch.set_rng_state(torch.tensor(state["cpu"], dtype=torch.uint8))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([torch.tensor(s, dtype=torch.uint8) for s in state["cuda"]])
