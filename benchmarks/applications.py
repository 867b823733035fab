"""Application inference speed: ``model.predict`` of Lamina's ResNet50 and MobileNetV2
against a plain forward of the same network on the same engine, median milliseconds per
batch of 32 224x224 images.

    python benchmarks/applications.py                 # torch rows
    python benchmarks/applications.py --engine jax    # JAX rows
    python benchmarks/applications.py --quick         # 4 64x64 images, few repeats

    python benchmarks/applications.py --train-batch 8 # + torchvision rows (when installed)

References (torchvision is not a dependency, so the torch ones are written here):
- torch: ResNet50 (Keras's layout: biased convolutions, the stride on the first 1x1 of each
  bottleneck) and MobileNetV2 (alpha 1) as torch.nn modules, in eval mode under
  ``torch.inference_mode``, NCHW views of the NHWC batch in torch's channels_last memory
  format, the layout Lamina's convolutions use.
- JAX: the same Lamina model's forward as one pure function (``stateless_call``) under
  ``jax.jit``, called directly: what ``predict`` adds on top of the compiled program.
Both sides get the same NumPy batch each call (host to device copy included). The ratio is
Lamina's time over the reference's (<= 1.15 is the aim). On torch, when torchvision is
installed, a second table compares inference and a training step (``--train-batch`` images)
with torchvision's models (benchmarks/_torchvision_rows.py); without it, the reason is
printed instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _parse():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("torch", "jax"), default="torch")
    parser.add_argument("--quick", action="store_true", help="small images, few repeats")
    parser.add_argument("--repeats", type=int, default=None, help="timed batches per row")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time this thread's CPU seconds on one torch thread (steadier on a loaded machine)",
    )
    parser.add_argument(
        "--train-batch",
        type=int,
        default=8,
        help="images per training step in the torchvision rows (0: no training rows)",
    )
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None:
    os.environ["LAMINA_BACKEND"] = ARGS.engine  # before lamina loads

import numpy as np  # noqa: E402
from _environment import describe  # noqa: E402

BATCH = 32  # --quick: 4


def _clock():
    return time.thread_time() if ARGS is not None and ARGS.cpu_time else time.perf_counter()


def paired_median_ms(step_a, step_b, repeats: int, warmup: int = 2) -> tuple[float, float]:
    """Median ms of each of two steps, run in alternation (the order swapped each round) so
    that a change in the machine's load or memory state weighs on both alike."""
    for _ in range(warmup):
        step_a()
        step_b()
    times: tuple[list, list] = ([], [])
    for round_index in range(repeats):
        order = ((0, step_a), (1, step_b)) if round_index % 2 == 0 else ((1, step_b), (0, step_a))
        for slot, step in order:
            start = _clock()
            step()
            times[slot].append((_clock() - start) * 1e3)
    return statistics.median(times[0]), statistics.median(times[1])


def lamina_model(name: str, size: int):
    from lamina import applications, backend

    with backend.global_state.deferred_initializers():  # values are set below
        model = getattr(applications, name)(weights=None, input_shape=(size, size, 3))
    rng = np.random.default_rng(0)
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        if "variance" in weight.path:
            values.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            values.append((rng.standard_normal(shape) / np.sqrt(fan_in)).astype("float32"))
    model.set_weights(values)
    return model


# ---- torch references --------------------------------------------------------------------


def torch_resnet50(classes=1000):
    from torch import nn

    def conv_bn(cin, cout, kernel, stride=1, padding=0):
        return [nn.Conv2d(cin, cout, kernel, stride, padding), nn.BatchNorm2d(cout, eps=1.001e-5)]

    class Bottleneck(nn.Module):
        def __init__(self, cin, filters, stride, shortcut):
            super().__init__()
            self.body = nn.Sequential(
                *conv_bn(cin, filters, 1, stride),
                nn.ReLU(),
                *conv_bn(filters, filters, 3, 1, 1),
                nn.ReLU(),
                *conv_bn(filters, 4 * filters, 1),
            )
            self.shortcut = (
                nn.Sequential(*conv_bn(cin, 4 * filters, 1, stride)) if shortcut else None
            )

        def forward(self, x):
            residual = x if self.shortcut is None else self.shortcut(x)
            return (self.body(x) + residual).relu()

    stages, cin = [], 64
    for filters, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for index in range(blocks):
            stages.append(Bottleneck(cin, filters, stride if index == 0 else 1, index == 0))
            cin = 4 * filters
    return nn.Sequential(
        *conv_bn(3, 64, 7, 2, 3),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
        *stages,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(2048, classes),
        nn.Softmax(dim=1),
    )


def torch_mobilenet_v2(classes=1000):
    from torch import nn

    def conv_bn(cin, cout, kernel, stride=1, groups=1, relu=True):
        layers = [
            nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout, eps=1e-3),
        ]
        return layers + [nn.ReLU6()] if relu else layers

    class InvertedResidual(nn.Module):
        def __init__(self, cin, cout, stride, expansion):
            super().__init__()
            hidden = cin * expansion
            expand = conv_bn(cin, hidden, 1) if expansion != 1 else []
            self.body = nn.Sequential(
                *expand,
                *conv_bn(hidden, hidden, 3, stride, groups=hidden),
                *conv_bn(hidden, cout, 1, relu=False),
            )
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.body(x) if self.residual else self.body(x)

    blocks, cin = [], 32
    settings = ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1))
    for expansion, cout, repeats, stride in (*settings, (6, 160, 3, 2), (6, 320, 1, 1)):
        for index in range(repeats):
            blocks.append(InvertedResidual(cin, cout, stride if index == 0 else 1, expansion))
            cin = cout
    return nn.Sequential(
        *conv_bn(3, 32, 3, 2),
        *blocks,
        *conv_bn(320, 1280, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(1280, classes),
        nn.Softmax(dim=1),
    )


TORCH_REFERENCES = {"ResNet50": torch_resnet50, "MobileNetV2": torch_mobilenet_v2}


def predict_torch(name: str, size: int, batch: int, repeats: int):
    import torch

    if ARGS is not None and ARGS.cpu_time:
        torch.set_num_threads(1)  # all the work on the timed thread
    model = lamina_model(name, size)
    reference = TORCH_REFERENCES[name]().eval()
    images = np.random.default_rng(1).uniform(0, 255, (batch, size, size, 3)).astype("float32")

    def lamina_step():
        model.predict(images, batch_size=batch, verbose=0)

    def torch_step():
        with torch.inference_mode():
            reference(torch.from_numpy(images).permute(0, 3, 1, 2)).numpy()

    return paired_median_ms(lamina_step, torch_step, repeats)


def predict_jax(name: str, size: int, batch: int, repeats: int):
    import jax

    model = lamina_model(name, size)
    images = np.random.default_rng(1).uniform(0, 255, (batch, size, size, 3)).astype("float32")
    # Copies: Lamina's compiled predict donates the variables' buffers (as Keras's does).
    trainable = [jax.numpy.array(v.value, copy=True) for v in model.trainable_variables]
    non_trainable = [jax.numpy.array(v.value, copy=True) for v in model.non_trainable_variables]

    @jax.jit
    def forward(trainable, non_trainable, x):
        return model.stateless_call(trainable, non_trainable, x, training=False)[0]

    def lamina_step():
        model.predict(images, batch_size=batch, verbose=0)

    def jax_step():
        np.asarray(forward(trainable, non_trainable, images))

    return paired_median_ms(lamina_step, jax_step, repeats)


ROWS = {"torch": predict_torch, "jax": predict_jax}
REFERENCE = {"torch": "torch.nn (same network)", "jax": "jit(stateless_call)"}


def main() -> None:
    size, batch = (64, 4) if ARGS.quick else (224, BATCH)
    repeats = ARGS.repeats or (2 if ARGS.quick else 10)
    print(describe())
    clock = "CPU ms of one thread" if ARGS.cpu_time else "ms"
    print(
        f"predict, batch {batch}, {size}x{size}, median {clock} of {repeats}; reference: "
        f"{REFERENCE[ARGS.engine]}"
    )
    print(f"{'model':<14}{'lamina ms':>12}{'reference ms':>15}{'ratio':>8}")
    for name in ("MobileNetV2", "ResNet50"):
        lamina_ms, reference_ms = ROWS[ARGS.engine](name, size, batch, repeats)
        print(f"{name:<14}{lamina_ms:>12.1f}{reference_ms:>15.1f}{lamina_ms / reference_ms:>8.2f}")
    if ARGS.engine == "torch":
        torchvision_table(size, batch, repeats)


def torchvision_table(size: int, batch: int, repeats: int) -> None:
    import _torchvision_rows as rows

    models, reason = rows.torchvision_models()
    if models is None:
        print(f"\nno torchvision rows: {reason}")
        return
    train_batch = min(ARGS.train_batch, batch)
    print(f"\nagainst torchvision's models (FLOPs of Keras's, not its exact layers), median "
          f"of {repeats}; training: {train_batch} images per step, SGD momentum 0.9")  # fmt: skip
    print(f"{'row':<26}{'lamina ms':>12}{'torchvision ms':>16}{'ratio':>8}")
    for name in ("MobileNetV2", "ResNet50"):
        results = {
            f"{name} predict": rows.predict_rows(
                models, lamina_model, paired_median_ms, name, size, batch, repeats
            )
        }
        if train_batch:
            results[f"{name} fit step"] = rows.train_rows(
                models, lamina_model, _clock, name, size, train_batch, repeats
            )
        for row, (ours, theirs) in results.items():
            print(f"{row:<26}{ours:>12.1f}{theirs:>16.1f}{ours / theirs:>8.2f}")


if __name__ == "__main__":
    main()
