"""Utilities with Keras's names: ``lamina.utils.to_categorical``, ``set_random_seed``…"""

from lamina.trainers.data_adapters import unpack_x_y_sample_weight as unpack_x_y_sample_weight
from lamina.trainers.data_adapters.py_dataset import PyDataset as PyDataset
from lamina.utils.file_utils import get_file as get_file
from lamina.utils.numerical_utils import normalize as normalize, to_categorical as to_categorical
from lamina.utils.progbar import Progbar as Progbar
from lamina.utils.rng_utils import set_random_seed as set_random_seed
from lamina.utils.sequence_utils import pad_sequences as pad_sequences

__all__ = [
    "Progbar",
    "PyDataset",
    "get_file",
    "normalize",
    "pad_sequences",
    "set_random_seed",
    "to_categorical",
    "unpack_x_y_sample_weight",
]
