"""fit's per-step overhead on a small model, where the step itself takes tens of microseconds.

A 16-32-32-1 MLP (batch 32, float32, Adam, MSE, shuffled batches) trained for one epoch by
Lamina ``fit`` with ``verbose=0``, with the default progress bar (drawn to a stand-in
terminal, so it redraws as on a console) and with ``compile(steps_per_execution=8)``
(``verbose=0``; on JAX eight steps per compiled call), against the loop a user writes by
hand: on the torch engine ``torch.optim.Adam`` over ``torch.nn.Linear`` layers, on JAX one
``jax.jit`` step with optax and donated state. Every variant is timed over a whole epoch,
from the call until the weights are back on the host, so no per-batch timer changes what
``fit`` does; compilation and first-step set-up happen in an untimed warm-up. Prints median
microseconds per step over interleaved rounds, and the median of each round's ratio to the
plain loop timed beside it.

    python benchmarks/fit_overhead.py [--engine all|torch|jax] [--steps 1000] [--rounds 21]
    python benchmarks/fit_overhead.py --engine jax --profile   # where fit's time goes
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time

import numpy as np

BATCH = 32
WARMUP_STEPS = 5


class _Terminal(io.StringIO):
    """A console stand-in: the progress bar redraws in place, as it does in a terminal."""

    def isatty(self) -> bool:
        return True


def make_data(steps, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((steps * BATCH, 16), dtype=np.float32)
    return x, rng.random((steps * BATCH, 1), dtype=np.float32)


def lamina_model(steps_per_execution=1):
    import lamina as keras
    from lamina import layers

    model = keras.Sequential(
        [keras.Input((16,)), layers.Dense(32, activation="relu"),
         layers.Dense(32, activation="relu"), layers.Dense(1)]
    )  # fmt: skip
    model.compile(optimizer="adam", loss="mse", steps_per_execution=steps_per_execution)
    return model


def fit_variant(verbose, steps_per_execution=1):
    """``fit`` on one model, warmed up once; each run is one timed epoch. With
    ``steps_per_execution=N`` the warm-up runs two full executions (the second compiles
    the N-step program on JAX)."""

    def make(x, y):
        model = lamina_model(steps_per_execution)
        warm = max(WARMUP_STEPS, 2 * steps_per_execution) * BATCH
        model.fit(x[:warm], y[:warm], batch_size=BATCH, epochs=1, verbose=0)

        def run():
            terminal, stdout = _Terminal(), sys.stdout
            sys.stdout = terminal
            try:
                start = time.perf_counter()
                model.fit(x, y, batch_size=BATCH, epochs=1, verbose=verbose, shuffle=True)
                model.get_weights()  # waits for the last step
                return time.perf_counter() - start
            finally:
                sys.stdout = stdout

        return run

    return make


# ---- torch: the hand-written loop ---------------------------------------------------------


def plain_torch(x, y):
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    weights = lamina_model().get_weights()  # the same initial weights
    model = torch.nn.Sequential(
        torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 1),
    ).to(device)  # fmt: skip
    with torch.no_grad():
        linears = [module for module in model if isinstance(module, torch.nn.Linear)]
        for index, linear in enumerate(linears):
            linear.weight.copy_(torch.from_numpy(weights[2 * index].T.copy()))
            linear.bias.copy_(torch.from_numpy(weights[2 * index + 1]))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    def step(xb, yb):
        loss = ((model(xb) - yb) ** 2).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    for index in range(WARMUP_STEPS):
        rows = slice(index * BATCH, (index + 1) * BATCH)
        step(torch.from_numpy(x[rows]).to(device), torch.from_numpy(y[rows]).to(device))

    def run():
        start = time.perf_counter()
        xs, ys = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
        order = torch.randperm(len(xs), device=device)
        for index in range(len(xs) // BATCH):
            rows = order[index * BATCH : (index + 1) * BATCH]
            step(xs[rows], ys[rows])
        [p.detach().cpu().numpy() for p in model.parameters()]  # waits for the last step
        return time.perf_counter() - start

    return run


# ---- JAX: jax.jit + optax -----------------------------------------------------------------


def plain_jax(x, y):
    import jax
    import jax.numpy as jnp
    from jax_rows import adam

    weights = [jnp.asarray(w) for w in lamina_model().get_weights()]
    params = [(weights[i], weights[i + 1]) for i in range(0, 6, 2)]
    rule = adam()

    def loss_fn(params, xb, yb):
        (w1, b1), (w2, b2), (w3, b3) = params
        hidden = jax.nn.relu(xb @ w1 + b1)
        hidden = jax.nn.relu(hidden @ w2 + b2)
        return jnp.mean((hidden @ w3 + b3 - yb) ** 2)

    def step(params, state, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb)
        updates, state = rule.update(grads, state, params)
        return jax.tree_util.tree_map(lambda p, u: p + u, params, updates), state, loss

    step = jax.jit(step, donate_argnums=(0, 1))
    state = [params, rule.init(params)]  # what the loop carries from one epoch to the next
    for index in range(WARMUP_STEPS):
        rows = slice(index * BATCH, (index + 1) * BATCH)
        state[0], state[1], _ = step(*state, x[rows], y[rows])
    jax.block_until_ready(state)

    def run():
        start = time.perf_counter()
        params, opt_state = state
        order = np.random.permutation(len(x))
        for index in range(len(x) // BATCH):
            rows = order[index * BATCH : (index + 1) * BATCH]  # host batches, as fit's
            params, opt_state, _ = step(params, opt_state, x[rows], y[rows])
        jax.device_get(params)  # waits for the last step
        state[:] = [params, opt_state]
        return time.perf_counter() - start

    return run


# ---- running ------------------------------------------------------------------------------


def _measure(variants, x, y, rounds, base_name):
    """Median seconds per step of each variant, and the median over rounds of its ratio to
    the base measured in the same round (pairs cancel the drift of a shared machine)."""
    runs = {name: make(x, y) for name, make in variants.items()}
    steps = len(x) // BATCH
    samples: dict = {name: [] for name in runs}
    for _ in range(rounds):  # interleaved rounds, so drift hits every variant alike
        for name, run in runs.items():
            samples[name].append(run() / steps)
    base = samples[base_name]
    return {
        name: (statistics.median(values), statistics.median(v / b for v, b in zip(values, base)))
        for name, values in samples.items()
    }


def _print_table(title, results):
    print(title)
    print(f"{'variant':<38}{'median us/step':>16}{'ratio vs plain':>16}")
    for name, (seconds, ratio) in results.items():
        print(f"{name:<38}{1e6 * seconds:>16.1f}{ratio:>16.3f}")


def _profile(x, y):
    import cProfile
    import pstats

    model = lamina_model()
    model.fit(x[: WARMUP_STEPS * BATCH], y[: WARMUP_STEPS * BATCH], batch_size=BATCH, verbose=0)
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
    model.get_weights()
    profiler.disable()
    print(f"cProfile of one epoch of fit, {len(x) // BATCH} steps, verbose=0:")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def run_engine(engine, args):
    os.environ["LAMINA_BACKEND"] = engine  # before lamina is imported
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from _environment import describe

    if engine == "torch":
        import torch

        # The step's kernels are too small to split across threads; on a shared machine
        # more threads only add waiting (and noise) to both sides alike.
        torch.set_num_threads(args.torch_threads)
    x, y = make_data(args.steps)
    if args.profile:
        _profile(x, y)
        return
    plain = "plain loop (" + ("torch.optim.Adam" if engine == "torch" else "jax.jit+optax") + ")"
    variants = {
        f"lamina fit, verbose=0 ({engine})": fit_variant(0),
        f"lamina fit, progress bar ({engine})": fit_variant("auto"),
        f"lamina fit, 8 steps/execution ({engine})": fit_variant(0, steps_per_execution=8),
        plain: plain_torch if engine == "torch" else plain_jax,
    }
    results = _measure(variants, x, y, args.rounds, plain)
    title = (
        f"MLP 16-32-32-1, batch {BATCH}, float32, {args.steps} steps x {args.rounds} rounds, "
        f"{engine} engine\n{describe()}"
    )
    _print_table(title, results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("all", "torch", "jax"), default="all")
    parser.add_argument("--steps", type=int, default=1000, help="steps in each timed epoch")
    parser.add_argument("--rounds", type=int, default=21, help="timed epochs per variant")
    parser.add_argument("--torch-threads", type=int, default=1, help="torch's CPU threads")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--profile", action="store_true", help="cProfile fit; no table")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.rounds = 20, 1
    if args.engine != "all":
        run_engine(args.engine, args)
        return
    passthrough = [f"--steps={args.steps}", f"--rounds={args.rounds}",
                   f"--torch-threads={args.torch_threads}"]  # fmt: skip
    passthrough += ["--profile"] if args.profile else []
    for engine in ("torch", "jax"):
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--engine", engine, *passthrough], check=True)


if __name__ == "__main__":
    main()
