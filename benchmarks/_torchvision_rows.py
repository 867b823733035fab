"""applications.py's rows against torchvision's ResNet50 and MobileNetV2 (torch engine), when
torchvision is installed: inference (``predict`` against the model's eval forward) and one
training step (``fit`` against forward, cross-entropy, backward and the same optimizer, SGD
with momentum 0.9, torch's multi-tensor kernel).

torchvision's networks have the FLOPs of Keras's but not its exact layers (ResNet50: no
convolution biases, the stride on the 3x3; MobileNetV2: symmetric padding), so these rows
compare with what a torch user runs, where applications.py's own rows compare the same
network.
"""

from __future__ import annotations

import sys

import numpy as np

TORCHVISION_NAMES = {"ResNet50": "resnet50", "MobileNetV2": "mobilenet_v2"}
_LIBRARIES: list = []  # op declarations stay registered while their Library object lives


def torchvision_models():
    """``(torchvision.models, None)``, or ``(None, why not)`` when it cannot be imported."""
    try:
        import torchvision.models as models
    except ImportError as error:
        return None, f"torchvision is not installed ({error})"
    except RuntimeError as error:
        # A wheel whose compiled ops do not load beside this torch (a CUDA build of
        # torchvision on a CPU-only torch) fails at import while registering shapes for two
        # detection ops the classification models never call: declaring them lets it load.
        if "torchvision::" not in str(error):
            raise
        _declare_detection_ops()
        try:
            import torchvision.models as models
        except (ImportError, RuntimeError) as retry_error:
            return None, f"torchvision does not import: {retry_error}"
    return models, None


def _declare_detection_ops():
    import torch

    for name in [module for module in sys.modules if module.split(".")[0] == "torchvision"]:
        del sys.modules[name]  # the half-imported package
    library = torch.library.Library("torchvision", "DEF")
    for op in ("nms", "qnms"):
        library.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    _LIBRARIES.append(library)


def _batch_clock(clock, warmup):
    """A Lamina callback keeping the clock's milliseconds around each ``fit`` batch from the
    ``warmup``-th on."""
    import lamina as keras

    class BatchClock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times, self.start = [], 0.0

        def on_train_batch_begin(self, batch, logs=None):
            self.start = clock()

        def on_train_batch_end(self, batch, logs=None):
            if batch >= warmup:
                self.times.append((clock() - self.start) * 1e3)

    return BatchClock()


def predict_rows(models, lamina_model, paired_median_ms, name, size, batch, repeats):
    """(Lamina ``predict`` ms, torchvision eval forward ms) on one batch."""
    import torch

    model = lamina_model(name, size)
    reference = getattr(models, TORCHVISION_NAMES[name])().eval()
    images = np.random.default_rng(1).uniform(0, 255, (batch, size, size, 3)).astype("float32")

    def lamina_step():
        model.predict(images, batch_size=batch, verbose=0)

    def torch_step():
        with torch.inference_mode():
            reference(torch.from_numpy(images).permute(0, 3, 1, 2)).numpy()

    return paired_median_ms(lamina_step, torch_step, repeats)


def train_rows(models, lamina_model, clock, name, size, batch, repeats, warmup=2):
    """(Lamina ``fit`` step ms, torchvision step ms), medians over ``repeats`` steps."""
    import statistics

    import torch

    import lamina as keras

    rng = np.random.default_rng(2)
    steps = warmup + repeats
    images = rng.uniform(0, 255, (steps * batch, size, size, 3)).astype("float32")
    labels = rng.integers(0, 1000, steps * batch)

    model = lamina_model(name, size)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
        loss="sparse_categorical_crossentropy",
    )
    timer = _batch_clock(clock, warmup)
    model.fit(images, labels, batch_size=batch, epochs=1, verbose=0, shuffle=False,
              callbacks=[timer])  # fmt: skip

    reference = getattr(models, TORCHVISION_NAMES[name])().train()
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.01, momentum=0.9, foreach=True)
    xs = torch.from_numpy(images).permute(0, 3, 1, 2)  # channels_last views, as Lamina's
    ys = torch.from_numpy(labels)
    times = []
    for step in range(steps):
        start = clock()
        part = slice(step * batch, (step + 1) * batch)
        loss = torch.nn.functional.cross_entropy(reference(xs[part]), ys[part])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if step >= warmup:
            times.append((clock() - start) * 1e3)
    return statistics.median(timer.times), statistics.median(times)
