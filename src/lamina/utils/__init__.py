"""Utilities with Keras's names: ``lamina.utils.to_categorical``, ``set_random_seed``…"""

from lamina.backend.common.dtypes import standardize_dtype as standardize_dtype
from lamina.backend.common.global_state import clear_session as clear_session
from lamina.backend.common.keras_tensor import is_keras_tensor as is_keras_tensor
from lamina.layers.preprocessing.feature_space import FeatureSpace as FeatureSpace
from lamina.serialization import (
    CustomObjectScope as CustomObjectScope,
    custom_object_scope as custom_object_scope,
    deserialize_keras_object as deserialize_keras_object,
    get_custom_objects as get_custom_objects,
    get_registered_name as get_registered_name,
    get_registered_object as get_registered_object,
    register_keras_serializable as register_keras_serializable,
    serialize_keras_object as serialize_keras_object,
)
from lamina.trainers.data_adapters import unpack_x_y_sample_weight as unpack_x_y_sample_weight
from lamina.trainers.data_adapters.py_dataset import PyDataset as PyDataset, PyDataset as Sequence
from lamina.utils import bounding_boxes as bounding_boxes
from lamina.utils.audio_dataset_utils import (
    audio_dataset_from_directory as audio_dataset_from_directory,
)
from lamina.utils.batch_structure import pack_x_y_sample_weight as pack_x_y_sample_weight
from lamina.utils.config import Config as Config
from lamina.utils.dataset_utils import split_dataset as split_dataset
from lamina.utils.file_utils import get_file as get_file
from lamina.utils.image_dataset_utils import (
    image_dataset_from_directory as image_dataset_from_directory,
)
from lamina.utils.image_utils import (
    array_to_img as array_to_img,
    img_to_array as img_to_array,
    load_img as load_img,
    save_img as save_img,
)
from lamina.utils.io_utils import (
    disable_interactive_logging as disable_interactive_logging,
    enable_interactive_logging as enable_interactive_logging,
    is_interactive_logging_enabled as is_interactive_logging_enabled,
)
from lamina.utils.model_visualization import (
    model_to_dot as model_to_dot,
    plot_model as plot_model,
)
from lamina.utils.numerical_utils import normalize as normalize, to_categorical as to_categorical
from lamina.utils.progbar import Progbar as Progbar
from lamina.utils.rng_utils import set_random_seed as set_random_seed
from lamina.utils.sample_dataset import SampleDataset as SampleDataset
from lamina.utils.sequence_utils import pad_sequences as pad_sequences
from lamina.utils.source_inputs import get_source_inputs as get_source_inputs
from lamina.utils.text_dataset_utils import (
    text_dataset_from_directory as text_dataset_from_directory,
)
from lamina.utils.timeseries_dataset_utils import (
    timeseries_dataset_from_array as timeseries_dataset_from_array,
)

__all__ = [
    "Config",
    "FeatureSpace",
    "model_to_dot",
    "plot_model",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "is_interactive_logging_enabled",
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
    "standardize_dtype",
    "Progbar",
    "PyDataset",
    "SampleDataset",
    "Sequence",
    "array_to_img",
    "audio_dataset_from_directory",
    "bounding_boxes",
    "clear_session",
    "get_file",
    "get_source_inputs",
    "image_dataset_from_directory",
    "img_to_array",
    "is_keras_tensor",
    "load_img",
    "normalize",
    "pack_x_y_sample_weight",
    "pad_sequences",
    "save_img",
    "set_random_seed",
    "split_dataset",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "to_categorical",
    "unpack_x_y_sample_weight",
]
