"""A SampleDataset handed over as another library's dataset: ``tf.data`` or Grain.

The ``*_dataset_from_*`` utilities take ``format="tf"`` or ``"grain"`` as Keras does. Both
libraries are optional: each is imported only when asked for, and its absence is a clear
ImportError. TensorFlow is used as a data library, never as the compute engine; its half is
``backend/tensorflow/tf_data.py`` (only engine folders import an engine).
"""

from __future__ import annotations

import importlib.util

from lamina.utils.sample_dataset import SampleDataset, pad_and_stack_samples

FORMATS = ("lamina", "tf", "grain")


def as_requested_format(dataset: SampleDataset, format: str):
    """``dataset`` itself (``"lamina"``), or the same samples as a ``tf.data.Dataset`` or a
    Grain dataset, with ``class_names`` and ``file_paths`` attributes."""
    if format == "lamina":
        return dataset
    if format == "tf":
        return to_tf_dataset(dataset)
    if format == "grain":
        return to_grain_dataset(dataset)
    raise ValueError(f"format must be one of {FORMATS}; received format={format!r}.")


def _missing(package: str, format: str) -> str:
    return (
        f"format={format!r} returns a {package} dataset and needs {package}: "
        f"pip install {package}. Without it, use the default format='lamina'."
    )


def to_tf_dataset(dataset: SampleDataset):
    """The samples as a ``tf.data.Dataset``, batched (padded, for variable-length samples)
    like ``dataset``, reshuffled on each pass from the same seeds."""
    if importlib.util.find_spec("tensorflow") is None:
        raise ImportError(_missing("tensorflow", "tf"))
    # TensorFlow as a data library, on any engine: its half lives under backend/tensorflow/.
    from lamina.backend.tensorflow.tf_data import dataset_from_samples

    samples = dataset._derived(batch_size=None)
    result = dataset_from_samples(
        samples,
        samples.load_sample(0),
        dataset.batch_size,
        variable_length=dataset._collate is pad_and_stack_samples,
    )
    result.class_names = dataset.class_names
    result.file_paths = dataset.file_paths
    return result


def to_grain_dataset(dataset: SampleDataset):
    """The samples as a Grain ``IterDataset`` (a ``MapDataset`` when unbatched)."""
    try:
        import grain
    except ImportError:
        raise ImportError(_missing("grain", "grain")) from None
    samples = dataset._derived(batch_size=None, shuffle=False)
    result = grain.MapDataset.source(samples)
    if dataset.shuffle:
        result = result.shuffle(seed=dataset.seed)
    if dataset.batch_size is not None:
        result = result.to_iter_dataset().batch(dataset.batch_size, batch_fn=dataset._collate)
    result.class_names = dataset.class_names
    result.file_paths = dataset.file_paths
    return result
