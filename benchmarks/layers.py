"""Layer speed against the engine's own modules: forward + backward, median milliseconds.

    python benchmarks/layers.py                 # torch rows
    python benchmarks/layers.py --engine jax    # JAX rows
    python benchmarks/layers.py --quick         # a few repeats, for a smoke run

Each row is a function in ROWS[engine] returning (name, lamina_ms, reference_ms); add rows
by appending functions. The ratio is Lamina's time over the reference's (<= 1.2 is the aim).

MultiHeadAttention: batch 32, sequence 256, 8 heads, 512 model dims (key_dim 64), self
attention, gradients of sum(output) with respect to every weight. Torch's reference is
torch.nn.MultiheadAttention (batch_first, need_weights=False); JAX's is the same projections
written as einsums around jax.nn.dot_product_attention, under jax.jit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("torch", "jax"), default="torch")
    parser.add_argument("--quick", action="store_true", help="few repeats (a smoke run)")
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per row")
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    os.environ["LAMINA_BACKEND"] = ARGS.engine  # before lamina loads

import numpy as np  # noqa: E402
from _environment import describe  # noqa: E402

BATCH, LENGTH, HEADS, WIDTH = 32, 256, 8, 512


def median_ms(step, repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _inputs(shape=(BATCH, LENGTH, WIDTH)):
    return np.random.default_rng(0).standard_normal(shape).astype("float32")


# ---- torch ------------------------------------------------------------------------------


def mha_torch(repeats: int):
    import torch

    from lamina import layers

    x = torch.from_numpy(_inputs())
    layer = layers.MultiHeadAttention(num_heads=HEADS, key_dim=WIDTH // HEADS)
    layer(x[:1], x[:1])
    reference = torch.nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)

    def lamina_step():
        layer.zero_grad(set_to_none=True)
        layer(x, x).sum().backward()

    def torch_step():
        reference.zero_grad(set_to_none=True)
        reference(x, x, x, need_weights=False)[0].sum().backward()

    name = f"MultiHeadAttention fwd+bwd ({BATCH}x{LENGTH}, {HEADS} heads, {WIDTH})"
    return name, median_ms(lamina_step, repeats), median_ms(torch_step, repeats)


# ---- jax --------------------------------------------------------------------------------


def mha_jax(repeats: int):
    import jax
    import jax.numpy as jnp

    from lamina import layers

    x = jnp.asarray(_inputs())
    layer = layers.MultiHeadAttention(num_heads=HEADS, key_dim=WIDTH // HEADS)
    layer(x[:1], x[:1])
    trainable = [v.value for v in layer.trainable_variables]

    @jax.jit
    def lamina_grad(values, x):
        def loss(values):
            outputs, _ = layer.stateless_call(values, [], x, x)
            return jnp.sum(outputs)

        return jax.grad(loss)(values)

    def projections(params, x):
        q = jnp.einsum("btd,dnh->btnh", x, params[0]) + params[1]
        k = jnp.einsum("btd,dnh->btnh", x, params[2]) + params[3]
        v = jnp.einsum("btd,dnh->btnh", x, params[4]) + params[5]
        heads = jax.nn.dot_product_attention(q, k, v)
        return jnp.einsum("btnh,nhd->btd", heads, params[6]) + params[7]

    reference_grad = jax.jit(jax.grad(lambda params, x: jnp.sum(projections(params, x))))
    params = [jnp.asarray(w) for w in layer.get_weights()]

    def lamina_step():
        jax.block_until_ready(lamina_grad(trainable, x))

    def jax_step():
        jax.block_until_ready(reference_grad(params, x))

    name = f"MultiHeadAttention fwd+bwd ({BATCH}x{LENGTH}, {HEADS} heads, {WIDTH})"
    return name, median_ms(lamina_step, repeats), median_ms(jax_step, repeats)


ROWS = {"torch": [mha_torch], "jax": [mha_jax]}
REFERENCE = {"torch": "torch.nn", "jax": "jax.nn + jit"}


# ---- recurrent rows: LSTM and GRU, batch 64, 100 steps, 128 features, 256 units ----------
# Lamina's layers return the whole sequence (as torch.nn.LSTM/GRU do); gradients of
# sum(outputs) with respect to every weight and the inputs. On JAX the reference is the
# same cell written as a plain lax.scan under jax.jit.

RNN_BATCH, RNN_STEPS, RNN_FEATURES, RNN_UNITS = 64, 100, 128, 256


def _recurrent_torch(kind: str, repeats: int):
    import torch

    from lamina import layers

    x = torch.from_numpy(_inputs((RNN_BATCH, RNN_STEPS, RNN_FEATURES))).requires_grad_(True)
    layer = getattr(layers, kind)(RNN_UNITS, return_sequences=True)
    layer(x[:1].detach())
    reference = getattr(torch.nn, kind)(RNN_FEATURES, RNN_UNITS, batch_first=True)

    def lamina_step():
        layer.zero_grad(set_to_none=True)
        layer(x).sum().backward()

    def torch_step():
        reference.zero_grad(set_to_none=True)
        reference(x)[0].sum().backward()

    name = f"{kind} fwd+bwd ({RNN_BATCH}x{RNN_STEPS}x{RNN_FEATURES}, {RNN_UNITS} units)"
    return name, median_ms(lamina_step, repeats), median_ms(torch_step, repeats)


def lstm_torch(repeats: int):
    return _recurrent_torch("LSTM", repeats)


def gru_torch(repeats: int):
    return _recurrent_torch("GRU", repeats)


def _lstm_scan(params, x):
    import jax
    import jax.numpy as jnp

    kernel, recurrent_kernel, bias = params

    def step(carry, x_t):
        h, c = carry
        i, f, g, o = jnp.split(x_t @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), h

    zeros = jnp.zeros((x.shape[0], RNN_UNITS), x.dtype)
    _, outputs = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(x, 0, 1))
    return outputs


def _gru_scan(params, x):
    import jax
    import jax.numpy as jnp

    kernel, recurrent_kernel, bias = params

    def step(h, x_t):
        x_z, x_r, x_h = jnp.split(x_t @ kernel + bias[0], 3, axis=-1)
        h_z, h_r, h_h = jnp.split(h @ recurrent_kernel + bias[1], 3, axis=-1)
        z, r = jax.nn.sigmoid(x_z + h_z), jax.nn.sigmoid(x_r + h_r)
        h = z * h + (1 - z) * jnp.tanh(x_h + r * h_h)
        return h, h

    zeros = jnp.zeros((x.shape[0], RNN_UNITS), x.dtype)
    _, outputs = jax.lax.scan(step, zeros, jnp.swapaxes(x, 0, 1))
    return outputs


def _recurrent_jax(kind: str, reference, repeats: int):
    import jax
    import jax.numpy as jnp

    from lamina import layers

    x = jnp.asarray(_inputs((RNN_BATCH, RNN_STEPS, RNN_FEATURES)))
    layer = getattr(layers, kind)(RNN_UNITS, return_sequences=True)
    layer(x[:1])
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]  # the dropout seed

    @jax.jit
    def lamina_grad(values, x):
        def loss(values, x):
            outputs, _ = layer.stateless_call(values, non_trainable, x)
            return jnp.sum(outputs)

        return jax.grad(loss, argnums=(0, 1))(values, x)

    reference_grad = jax.jit(
        jax.grad(lambda params, x: jnp.sum(reference(params, x)), argnums=(0, 1))
    )
    params = [jnp.asarray(w) for w in layer.get_weights()]

    def lamina_step():
        jax.block_until_ready(lamina_grad(trainable, x))

    def jax_step():
        jax.block_until_ready(reference_grad(params, x))

    name = f"{kind} fwd+bwd ({RNN_BATCH}x{RNN_STEPS}x{RNN_FEATURES}, {RNN_UNITS} units)"
    return name, median_ms(lamina_step, repeats), median_ms(jax_step, repeats)


def lstm_jax(repeats: int):
    return _recurrent_jax("LSTM", _lstm_scan, repeats)


def gru_jax(repeats: int):
    return _recurrent_jax("GRU", _gru_scan, repeats)


ROWS["torch"] += [lstm_torch, gru_torch]
ROWS["jax"] += [lstm_jax, gru_jax]


def main() -> None:
    args = ARGS
    repeats = args.repeats or (3 if args.quick else 20)
    import lamina  # noqa: F401  (imports the engine, so describe() can name its device)

    print(describe())
    print(f"\n{'row':<58} {'lamina ms':>10} {REFERENCE[args.engine] + ' ms':>14} {'ratio':>6}")
    for row in ROWS[args.engine]:
        name, ours, theirs = row(repeats)
        print(f"{name:<58} {ours:>10.1f} {theirs:>14.1f} {ours / theirs:>6.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
