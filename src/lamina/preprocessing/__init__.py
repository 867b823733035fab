"""``keras.preprocessing`` as Keras 3 keeps it: the dataset utilities and the ``image`` and
``sequence`` helpers (the preprocessing layers live in ``lamina.layers``)."""

from lamina.preprocessing import image as image, sequence as sequence
from lamina.utils.image_dataset_utils import (
    image_dataset_from_directory as image_dataset_from_directory,
)
from lamina.utils.text_dataset_utils import (
    text_dataset_from_directory as text_dataset_from_directory,
)
from lamina.utils.timeseries_dataset_utils import (
    timeseries_dataset_from_array as timeseries_dataset_from_array,
)

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]
