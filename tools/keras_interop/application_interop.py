"""Weight interop of every application constructor with real Keras 3 (not part of CI).

For each constructor, Keras builds the default architecture (``weights=None``; the
classifier left without its softmax, ``classifier_activation=None``, so that the logits are
compared rather than probabilities that hide differences), fills every variable with
seeded random values, and writes

- ``NAME.weights.h5``: ``model.save_weights`` (Keras 3's layout);
- ``NAME.h5``: Keras's own legacy writer, the Keras 2 HDF5 layout (``layer_names`` /
  ``weight_names``) of Keras's published ImageNet files;
- ``NAME.npz``: a random image batch through the family's ``preprocess_input`` and Keras's
  outputs for it, from a Keras model that loaded ``NAME.weights.h5`` (loading runs
  ``Normalization.finalize_state``, which ``set_weights`` alone does not).

Lamina then builds the same constructor, loads each file into a fresh model, predicts, and
records the largest absolute difference to Keras's outputs and that difference relative to
the largest Keras output. A model passes at 1e-4: max |diff| <= 1e-4 * max(1, max |Keras|).

    KERAS_BACKEND=torch <keras venv>/bin/python application_interop.py keras OUT_DIR NAME
    <repo>/.venv/bin/python application_interop.py lamina OUT_DIR NAME
    <repo>/.venv/bin/python application_interop.py all OUT_DIR [NAME ...]
    <repo>/.venv/bin/python application_interop.py table OUT_DIR

``all`` runs both sides for each name (every constructor, smallest first, when none is
given) one model at a time in fresh processes, deletes the model's files after it, appends
one JSON line per model to ``OUT_DIR/results.jsonl`` and prints the Markdown table of
README.md. Keras 3.15 refuses NASNet on its torch backend: those run Keras on TensorFlow.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KERAS_PYTHON = os.path.join(
    os.environ.get("KERAS_VENV", "/tmp/lamina-keras-interop-venv"), "bin", "python"
)
LAMINA_PYTHON = os.path.join(REPO, ".venv", "bin", "python")
TOLERANCE = 1e-4
BATCH = 2
SEED = 11

# Smallest first (Keras 3.15.1's count_params), so a run cut short still covers the most.
NAMES = [
    "MobileNetV3Small",
    "MobileNetV2",
    "MobileNet",
    "NASNetMobile",
    "EfficientNetB0",
    "MobileNetV3Large",
    "EfficientNetV2B0",
    "EfficientNetB1",
    "DenseNet121",
    "EfficientNetV2B1",
    "EfficientNetB2",
    "EfficientNetV2B2",
    "EfficientNetB3",
    "DenseNet169",
    "EfficientNetV2B3",
    "EfficientNetB4",
    "DenseNet201",
    "EfficientNetV2S",
    "Xception",
    "InceptionV3",
    "ResNet50V2",
    "ResNet50",
    "ConvNeXtTiny",
    "EfficientNetB5",
    "EfficientNetB6",
    "ResNet101V2",
    "ResNet101",
    "ConvNeXtSmall",
    "EfficientNetV2M",
    "InceptionResNetV2",
    "ResNet152V2",
    "ResNet152",
    "EfficientNetB7",
    "ConvNeXtBase",
    "NASNetLarge",
    "EfficientNetV2L",
    "VGG16",
    "VGG19",
    "ConvNeXtLarge",
    "ConvNeXtXLarge",
]


def random_values(weights, rng):
    """Seeded values that keep the outputs dependent on the image through hundreds of
    layers, so that a wrong mapping anywhere shows: kernels scaled by their fan-in (a
    depthwise kernel's is its window), scales and variances in [0.5, 1.5], offsets (biases,
    betas, moving means) small, integer counters small."""
    values = []
    for weight in weights:
        shape = tuple(weight.shape)
        dtype = np.dtype(str(weight.dtype).replace("torch.", ""))
        leaf = weight.path.rsplit("/", 1)[-1]
        if np.issubdtype(dtype, np.integer):
            values.append(rng.integers(1, 100, shape).astype(dtype))
        elif "variance" in leaf or leaf in ("gamma", "scale"):
            values.append(rng.uniform(0.5, 1.5, shape).astype(dtype))
        elif len(shape) < 2:
            values.append((0.02 * rng.standard_normal(shape)).astype(dtype))
        else:
            depthwise = len(shape) == 4 and shape[-1] == 1
            fan_in = int(np.prod(shape[:2] if depthwise else shape[:-1]))
            values.append((rng.standard_normal(shape) * np.sqrt(2 / fan_in)).astype(dtype))
    return values


def random_images(rng, batch, height, width):
    """Images in [0, 255] made of 8x8 coarse random blocks: unlike pixel noise, which global
    average pooling averages away, they give each image of the batch its own outputs."""
    blocks = rng.uniform(0, 255, (batch, 8, 8, 3))
    rows = np.arange(height) * 8 // height
    cols = np.arange(width) * 8 // width
    return blocks[:, rows][:, :, cols].astype("float32")


def keras_side(out_dir, name):
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    build = getattr(keras.applications, name)
    family = sys.modules[build.__module__]
    keras.utils.set_random_seed(SEED)
    model = build(weights=None, classifier_activation=None)
    rng = np.random.default_rng(SEED)
    model.set_weights(random_values(model.weights, rng))
    stem = os.path.join(out_dir, name)
    model.save_weights(stem + ".weights.h5")
    with h5py.File(stem + ".h5", "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, model)
    del model
    reference = build(weights=None, classifier_activation=None)
    reference.load_weights(stem + ".weights.h5")
    # MobileNetV3 leaves the image size open (None): Keras's published files are 224x224.
    size = [224 if d is None else d for d in reference.input_shape[1:]]
    images = random_images(rng, BATCH, size[0], size[1])
    inputs = np.asarray(family.preprocess_input(images), "float32")
    # predict: no autograd graph kept (a 600x600 EfficientNetB7 would not fit), one image
    # at a time.
    outputs = reference.predict(inputs, batch_size=1, verbose=0)
    params = reference.count_params()
    del reference
    legacy = build(weights=None, classifier_activation=None)
    legacy.load_weights(stem + ".h5")
    keras_legacy_diff = float(
        np.max(np.abs(legacy.predict(inputs, batch_size=1, verbose=0) - outputs))
    )
    # How much the outputs depend on the image: a mapping error shows only if they do.
    sensitivity = float(np.max(np.ptp(outputs, axis=0)) / max(1.0, np.max(np.abs(outputs))))
    np.savez(
        stem + ".npz",
        inputs=inputs,
        sensitivity=sensitivity,
        outputs=outputs,
        params=params,
        keras_legacy_diff=keras_legacy_diff,
        keras_backend=keras.backend.backend(),
        keras_version=keras.__version__,
    )


def lamina_side(out_dir, name):
    import lamina
    from lamina import backend

    build = getattr(lamina.applications, name)
    stem = os.path.join(out_dir, name)
    with np.load(stem + ".npz") as data:
        expected = dict(data)
    scale = max(1.0, float(np.max(np.abs(expected["outputs"]))))
    result = {
        "model": name,
        "params": int(expected["params"]),
        "keras_backend": str(expected["keras_backend"]),
        "keras_version": str(expected["keras_version"]),
        "lamina_backend": backend.backend(),
        "keras_legacy_diff": float(expected["keras_legacy_diff"]),
        "output_scale": scale,
        "sensitivity": float(expected["sensitivity"]),
    }
    for label, path in (("weights_h5", stem + ".weights.h5"), ("legacy_h5", stem + ".h5")):
        # Initializers skipped: every value comes from the file.
        with backend.global_state.deferred_initializers():
            model = build(weights=None, classifier_activation=None)
        if label == "weights_h5":
            result["lamina_params"] = model.count_params()
        model.load_weights(path)
        outputs = np.asarray(model.predict(expected["inputs"], batch_size=1, verbose=0))
        diff = float(np.max(np.abs(outputs.astype("float64") - expected["outputs"])))
        result[label] = diff
        del model
    result["pass"] = bool(
        result["params"] == result["lamina_params"]
        and max(result["weights_h5"], result["legacy_h5"]) <= TOLERANCE * scale
    )
    with open(os.path.join(out_dir, "results.jsonl"), "a") as handle:
        handle.write(json.dumps(result) + "\n")
    print(json.dumps(result), flush=True)


def run_one(out_dir, name):
    """Both sides in fresh processes (memory returns to the system after each), then the
    model's files are deleted."""
    keras_backend = "tensorflow" if name.startswith("NASNet") else "torch"
    env = dict(os.environ, KERAS_BACKEND=keras_backend, TF_CPP_MIN_LOG_LEVEL="2")
    started = time.time()
    script = os.path.abspath(__file__)
    try:
        subprocess.run([KERAS_PYTHON, script, "keras", out_dir, name], env=env, check=True)
        subprocess.run([LAMINA_PYTHON, script, "lamina", out_dir, name], check=True)
    except subprocess.CalledProcessError as error:
        with open(os.path.join(out_dir, "results.jsonl"), "a") as handle:
            handle.write(json.dumps({"model": name, "error": str(error)}) + "\n")
    finally:
        for suffix in (".weights.h5", ".h5", ".npz"):
            path = os.path.join(out_dir, name + suffix)
            if os.path.exists(path):
                os.remove(path)
    print(f"{name}: {time.time() - started:.0f} s", flush=True)


def table(out_dir):
    rows = {}
    with open(os.path.join(out_dir, "results.jsonl")) as handle:
        for line in handle:
            result = json.loads(line)
            rows[result["model"]] = result  # the latest run of each model
    print(
        "| model | params | `.weights.h5` max abs diff | legacy `.h5` max abs diff | relative "
        "| pass at 1e-4 |"
    )
    print("|---|---:|---:|---:|---:|:---:|")
    for name in [n for n in NAMES if n in rows]:
        r = rows[name]
        if "error" in r:
            print(f"| {name} | | | | | error |")
            continue
        relative = max(r["weights_h5"], r["legacy_h5"]) / r["output_scale"]
        keras_tag = " (Keras on TF)" if r["keras_backend"] != "torch" else ""
        print(
            f"| {name}{keras_tag} | {r['params']:,} | {r['weights_h5']:.1e} | {r['legacy_h5']:.1e}"
            f" | {relative:.1e} | {'yes' if r['pass'] else 'NO'} |"
        )


def main(argv):
    mode, out_dir, names = argv[0], argv[1], argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    if mode == "keras":
        keras_side(out_dir, names[0])
    elif mode == "lamina":
        lamina_side(out_dir, names[0])
    elif mode == "all":
        for name in names or NAMES:
            run_one(out_dir, name)
        table(out_dir)
    elif mode == "table":
        table(out_dir)
    else:
        raise SystemExit(f"mode must be keras, lamina, all or table; received {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
