"""Data adapters: NumPy arrays and tensors, Python generators, PyDataset and engine-native
loaders (a torch ``DataLoader``) all become one stream of batches."""

from lamina.trainers.data_adapters.adapter import (
    DataAdapter,
    get_data_adapter,
    unpack_x_y_sample_weight,
)
from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter, train_validation_split
from lamina.trainers.data_adapters.py_dataset import PyDataset

__all__ = [
    "ArrayDataAdapter",
    "DataAdapter",
    "PyDataset",
    "get_data_adapter",
    "train_validation_split",
    "unpack_x_y_sample_weight",
]
