"""Training-step speed: the example MNIST CNN in Lamina against plain PyTorch and JAX loops.

Prints median milliseconds per step (after warm-up) for Lamina ``fit``, Lamina
``train_on_batch`` and a hand-written PyTorch loop with the same layers, optimizer, loss and
batch size (128, float32), and the ratio Lamina / PyTorch, plus Lamina ``fit`` under the
"mixed_bfloat16" policy (its ratio to float32 ``fit`` printed below the table); then
(``--engine all``, the default, in a second process) Lamina-on-JAX ``fit``, float32 and
mixed_bfloat16, against a plain ``jax.jit`` + optax loop (``jax_rows.py``), and (when
TensorFlow is installed) Lamina-on-TensorFlow ``fit`` against a plain ``tf.function`` +
``tf.GradientTape`` loop (``tf_rows.py``). Runs on CUDA when present. The small-model rows,
where fit's per-step overhead shows, are ``fit_overhead.py``'s.

    python benchmarks/train_step.py [--engine all|torch|jax|tensorflow] [--steps 60]
    python benchmarks/train_step.py --quick   # tiny sizes: checks that it runs
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time


def _engine_from_argv() -> str:
    for index, arg in enumerate(sys.argv):
        if arg == "--engine" and index + 1 < len(sys.argv):
            return sys.argv[index + 1]
        if arg.startswith("--engine="):
            return arg.split("=", 1)[1]
    return "all"


ENGINE = _engine_from_argv()
# before lamina loads
os.environ["LAMINA_BACKEND"] = ENGINE if ENGINE in ("jax", "tensorflow") else "torch"

import numpy as np  # noqa: E402
from _environment import describe  # noqa: E402

import lamina as keras  # noqa: E402
from lamina import layers  # noqa: E402

if ENGINE not in ("jax", "tensorflow"):
    import torch

BATCH = 128


def make_data(num_batches, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((num_batches * BATCH, 28, 28, 1), dtype=np.float32)
    labels = rng.integers(0, 10, size=num_batches * BATCH)
    y = np.eye(10, dtype=np.float32)[labels]
    return x, y


def lamina_model(jit_compile="auto"):
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        loss="categorical_crossentropy",
        optimizer="adam",
        metrics=["accuracy"],
        jit_compile=jit_compile,
    )
    return model


def mixed_bfloat16_model(jit_compile="auto"):
    """The same CNN under the "mixed_bfloat16" policy: float32 variables, bfloat16 compute."""
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        return lamina_model(jit_compile)
    finally:
        keras.mixed_precision.set_global_policy("float32")


class StepTimer(keras.callbacks.Callback):
    def __init__(self, warmup):
        super().__init__()
        self.warmup = warmup
        self.times = []
        self._last = None

    def on_train_batch_end(self, batch, logs=None):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        now = time.perf_counter()
        if self._last is not None and batch >= self.warmup:
            self.times.append(now - self._last)
        self._last = now


def bench_fit(x, y, warmup, jit_compile="auto", model_factory=lamina_model):
    model = model_factory(jit_compile)
    timer = StepTimer(warmup)
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[timer], shuffle=True)
    return timer.times


def _sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def bench_train_on_batch(x, y, warmup):
    model = lamina_model()
    times = []
    for step in range(len(x) // BATCH):
        xb, yb = x[step * BATCH : (step + 1) * BATCH], y[step * BATCH : (step + 1) * BATCH]
        start = time.perf_counter()
        model.train_on_batch(xb, yb)
        _sync()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return times


def torch_model(device):
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 64, 3),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(576, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 10),
        torch.nn.Softmax(dim=-1),
    ).to(device)


def bench_fit_contiguous(x, y, warmup):
    """``fit`` with convolution inputs copied to contiguous NCHW (the other layout policy)."""
    nn = keras.backend.engine.nn
    device_type = "cuda" if torch.cuda.is_available() else "cpu"
    previous = nn._CONV_LAYOUT[device_type]
    nn.set_conv_layout(device_type, "contiguous")
    try:
        return bench_fit(x, y, warmup)
    finally:
        nn.set_conv_layout(device_type, previous)


def torch_train_step(model, optimizer, xs, ys, index):
    """One step of the plain loop: gather the batch, forward, Keras's categorical
    crossentropy on probabilities, backward, Adam."""
    xb, yb = xs[index], ys[index]
    probabilities = model(xb)
    probabilities = probabilities / probabilities.sum(-1, keepdim=True)
    loss = -(yb * torch.log(probabilities.clamp(1e-7, 1 - 1e-7))).sum(-1).mean()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def bench_torch(x, y, warmup, channels_last=False):
    """A hand-written loop: NCHW tensors on the device, shuffled batches, Adam, same loss."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = torch_model(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    xs = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous().to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        xs = xs.to(memory_format=torch.channels_last)
    ys = torch.from_numpy(y).to(device)
    order = torch.randperm(len(xs), device=device)
    times = []
    last = None
    for step in range(len(xs) // BATCH):
        torch_train_step(model, optimizer, xs, ys, order[step * BATCH : (step + 1) * BATCH])
        _sync()
        now = time.perf_counter()
        if last is not None and step >= warmup:
            times.append(now - last)
        last = now
    return times


def _medians(runs, x, y, args):
    samples = {name: [] for name in runs}
    for _ in range(args.rounds):  # interleaved rounds, so drift hits every variant alike
        for name, run in runs.items():
            samples[name].extend(run(x, y, args.warmup))
    return {name: 1000 * statistics.median(values) for name, values in samples.items()}


def _print_table(medians, base_name):
    print(f"{'variant':<30}{'median ms/step':>16}{'ratio vs ' + base_name.split()[0]:>18}")
    base = medians[base_name]
    for name, value in medians.items():
        print(f"{name:<30}{value:>16.3f}{value / base:>18.3f}")


def main_jax(args):
    import jax_rows

    x, y = make_data(args.steps + args.warmup + 1)
    runs = jax_rows.runs(lamina_model, BATCH)
    runs[MIXED_JAX] = lambda x, y, w: jax_rows.bench_fit(mixed_bfloat16_model, x, y, BATCH, w)
    medians = _medians(runs, x, y, args)
    print(f"MNIST CNN, batch {BATCH}, float32, jax engine, {jax_rows.adam_name()}")
    print(describe())
    _print_table(medians, "plain jax.jit loop")
    _print_mixed_ratio(medians, MIXED_JAX, "lamina fit (jax)")


def main_tensorflow(args):
    import tf_rows

    x, y = make_data(args.steps + args.warmup + 1)
    medians = _medians(tf_rows.runs(lamina_model, BATCH), x, y, args)
    print(f"MNIST CNN, batch {BATCH}, float32, tensorflow engine, Adam written out")
    print(describe())
    _print_table(medians, "plain tf.function loop")


def bench_adamw(width, steps):
    """Median seconds of one AdamW update of a 3-layer MLP (``width`` wide: 50M parameters
    at 4096): Lamina ``optimizer.apply`` against ``torch.optim.AdamW(foreach=True)`` on
    parameters of the same shapes and the same gradients, interleaved."""
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = keras.Sequential([keras.Input((width,))] + [layers.Dense(width) for _ in range(3)])
    variables = model.trainable_variables
    generator = torch.Generator().manual_seed(0)
    grads = [1e-3 * torch.randn(tuple(v.shape), generator=generator).to(device) for v in variables]
    params = [torch.nn.Parameter(v.value.detach().clone()) for v in variables]
    for param, grad in zip(params, grads):
        param.grad = grad
    optimizer = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=0.004)
    reference = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.004, eps=1e-7, foreach=True)
    runs = {"lamina": lambda: optimizer.apply(grads, variables), "torch": reference.step}
    samples = {name: [] for name in runs}
    for step in range(steps + 2):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            _sync()
            if step >= 2:  # the first builds the slots; torch.optim's sets itself up
                samples[name].append(time.perf_counter() - start)
    num_parameters = sum(int(np.prod(v.shape)) for v in variables)
    return num_parameters, {name: statistics.median(values) for name, values in samples.items()}


def print_adamw_row(quick):
    num_parameters, medians = bench_adamw(256 if quick else 4096, 2 if quick else 7)
    ratio = medians["lamina"] / medians["torch"]
    print(f"AdamW step, {num_parameters / 1e6:.1f}M-parameter MLP: lamina optimizer.apply "
          f"{1000 * medians['lamina']:.1f} ms, torch.optim.AdamW(foreach=True) "
          f"{1000 * medians['torch']:.1f} ms, ratio {ratio:.3f} (target <= 1.1)")  # fmt: skip


def print_aten_op_row(x, y):
    import profile_step  # the op counter lives with the other step diagnostics

    lamina_ops, loop_ops = profile_step.aten_ops_per_step(x, y)
    ours, theirs = profile_step.kernel_ops(lamina_ops), profile_step.kernel_ops(loop_ops)
    print(f"aten ops per training step: lamina fit {sum(lamina_ops.values()):.0f} ({ours:.0f} "
          f"launching kernels), pytorch loop with foreach Adam {sum(loop_ops.values()):.0f} "
          f"({theirs:.0f}); target: at most 10 more (profile_step.py lists them)")  # fmt: skip


MIXED_TORCH = "lamina fit, mixed_bf16"
MIXED_JAX = "lamina fit (jax), mixed_bf16"


def _print_mixed_ratio(medians, mixed, base):
    print(f"mixed_bfloat16 / float32 fit step: {medians[mixed] / medians[base]:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("all", "torch", "jax", "tensorflow"), default="all")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--layouts", action="store_true", help="also time both memory layouts of each side"
    )
    args = parser.parse_args()
    if args.quick:
        args.steps, args.warmup, args.rounds = 3, 1, 1
    if args.engine == "jax":
        main_jax(args)
        return
    if args.engine == "tensorflow":
        main_tensorflow(args)
        return
    x, y = make_data(args.steps + args.warmup + 1)
    runs = {"lamina fit": bench_fit, "lamina train_on_batch": bench_train_on_batch,
            "pytorch loop": bench_torch}  # fmt: skip
    runs[MIXED_TORCH] = lambda x, y, w: bench_fit(x, y, w, model_factory=mixed_bfloat16_model)
    if torch.cuda.is_available():  # jit_compile=True: steps replayed as CUDA graphs
        runs["lamina fit, jit_compile"] = lambda x, y, w: bench_fit(x, y, w, jit_compile=True)
    if args.layouts:
        runs["lamina fit, NCHW copy"] = bench_fit_contiguous
        runs["pytorch loop, chan_last"] = lambda x, y, w: bench_torch(x, y, w, channels_last=True)
    medians = _medians(runs, x, y, args)
    print(f"MNIST CNN, batch {BATCH}, float32, torch engine")
    print(describe())
    _print_table(medians, "pytorch loop")
    _print_mixed_ratio(medians, MIXED_TORCH, "lamina fit")
    print_aten_op_row(*make_data(6))
    print_adamw_row(args.quick)
    if args.engine == "all":
        sys.stdout.flush()
        passthrough = [f"--steps={args.steps}", f"--warmup={args.warmup}",
                       f"--rounds={args.rounds}"]  # fmt: skip
        subprocess.run([sys.executable, __file__, "--engine", "jax", *passthrough], check=True)
        if importlib.util.find_spec("tensorflow") is not None:
            subprocess.run(
                [sys.executable, __file__, "--engine", "tensorflow", *passthrough], check=True
            )


if __name__ == "__main__":
    main()
