"""`import lamina as keras` must find Keras 3's public names for what Lamina implements.

The lists are Keras 3's own names (keras.io API reference) for the features built so far;
a name dropped by a refactor fails here.
"""

import pytest

import lamina as keras

KERAS_NAMES = {
    "": ["Sequential", "Model", "Input", "Layer", "InputSpec", "Operation", "PyDataset",
         "ops", "layers", "models", "losses", "metrics", "optimizers", "callbacks",
         "activations", "initializers", "regularizers", "constraints", "utils", "datasets",
         "saving", "backend", "version", "random", "preprocessing"],
    "layers": ["Input", "InputLayer", "InputSpec", "Layer", "Dense", "Activation", "Dropout",
               "Flatten", "Reshape", "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D",
               "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
               "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
               "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D", "BatchNormalization",
               "LayerNormalization", "Embedding", "Rescaling", "Concatenate", "Add",
               "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Identity",
               "concatenate", "add", "SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional",
               "LSTMCell", "GRUCell", "SimpleRNNCell", "ReLU", "LeakyReLU", "PReLU", "ELU",
               "Softmax", "Masking", "Conv1DTranspose", "Conv2DTranspose", "DepthwiseConv2D",
               "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D",
               "Cropping2D", "Permute", "RepeatVector"],
    "models": ["Model", "Sequential", "load_model", "save_model", "model_from_json"],
    "losses": ["Loss", "MeanSquaredError", "MeanAbsoluteError", "CategoricalCrossentropy",
               "SparseCategoricalCrossentropy", "BinaryCrossentropy", "Huber",
               "mean_squared_error", "mean_absolute_error", "categorical_crossentropy",
               "sparse_categorical_crossentropy", "binary_crossentropy", "huber", "get",
               "serialize", "deserialize", "BinaryFocalCrossentropy",
               "CategoricalFocalCrossentropy", "CategoricalGeneralizedCrossEntropy", "CTC",
               "Dice", "Tversky", "Circle", "binary_focal_crossentropy",
               "categorical_focal_crossentropy", "categorical_generalized_cross_entropy", "ctc",
               "dice", "tversky", "circle"],
    "metrics": ["Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
                "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
                "KLDivergence", "Poisson",
                "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
                "MeanSquaredError", "MeanAbsoluteError", "RootMeanSquaredError", "Precision",
                "Recall", "AUC", "MeanAbsolutePercentageError",
                "MeanSquaredLogarithmicError", "get", "serialize", "deserialize", "F1Score",
                "FBetaScore", "R2Score", "IoU", "MeanIoU", "BinaryIoU", "OneHotIoU",
                "OneHotMeanIoU", "PrecisionAtRecall", "RecallAtPrecision",
                "SensitivityAtSpecificity", "SpecificityAtSensitivity", "PearsonCorrelation",
                "ConcordanceCorrelation", "CosineSimilarity", "LogCoshError", "Hinge",
                "SquaredHinge", "CategoricalHinge", "pearson_correlation",
                "concordance_correlation", "hinge", "squared_hinge", "categorical_hinge",
                "log_cosh", "huber", "binary_focal_crossentropy",
                "categorical_focal_crossentropy"],
    "optimizers": ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "get",
                   "serialize", "deserialize", "schedules", "Adadelta", "Adafactor", "Adamax",
                   "Ftrl", "Lamb", "Lion", "Muon", "Nadam", "ScheduleFreeAdamW"],
    "optimizers.schedules": ["LearningRateSchedule", "ExponentialDecay", "CosineDecay",
                             "PiecewiseConstantDecay", "PolynomialDecay", "InverseTimeDecay",
                             "CosineDecayRestarts"],
    "callbacks": ["Callback", "CallbackList", "History", "EarlyStopping", "ModelCheckpoint",
                  "LambdaCallback", "ProgbarLogger", "TerminateOnNaN", "CSVLogger",
                  "LearningRateScheduler", "ReduceLROnPlateau", "TensorBoard",
                  "BackupAndRestore", "SwapEMAWeights", "RemoteMonitor"],
    "activations": ["relu", "sigmoid", "softmax", "tanh", "gelu", "silu", "swish", "elu",
                    "selu", "softplus", "softsign", "leaky_relu", "log_softmax", "linear",
                    "get", "serialize", "deserialize"],
    "initializers": ["GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform",
                     "LecunNormal", "Zeros", "Ones", "Constant", "RandomNormal",
                     "RandomUniform", "TruncatedNormal", "Orthogonal", "Identity",
                     "VarianceScaling", "Initializer", "get"],
    "random": ["SeedGenerator", "normal", "uniform", "truncated_normal", "randint",
               "dropout", "shuffle", "categorical"],
    "regularizers": ["L1", "L2", "L1L2", "Regularizer", "get"],
    "utils": ["to_categorical", "set_random_seed", "PyDataset", "Progbar", "normalize",
              "get_file", "pad_sequences", "Sequence", "image_dataset_from_directory",
              "text_dataset_from_directory", "audio_dataset_from_directory",
              "timeseries_dataset_from_array", "split_dataset", "load_img", "img_to_array",
              "array_to_img", "save_img", "pack_x_y_sample_weight", "get_source_inputs",
              "is_keras_tensor", "clear_session"],
    "preprocessing": ["image", "sequence", "image_dataset_from_directory",
                      "text_dataset_from_directory", "timeseries_dataset_from_array"],
    "saving": ["save_model", "load_model", "register_keras_serializable",
               "custom_object_scope", "get_custom_objects"],
    "backend": ["backend", "floatx", "set_floatx", "epsilon", "set_epsilon",
                "image_data_format", "set_image_data_format", "clear_session"],
    "datasets": ["mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
                 "boston_housing", "california_housing"],
    **{f"datasets.{name}": ["load_data"]
       for name in ("mnist", "fashion_mnist", "cifar10", "cifar100", "boston_housing",
                    "california_housing")},
    "datasets.imdb": ["load_data", "get_word_index"],
    "datasets.reuters": ["load_data", "get_word_index", "get_label_names"],
}  # fmt: skip


@pytest.mark.parametrize("namespace", sorted(KERAS_NAMES))
def test_keras_names_exist(namespace):
    module = keras
    for part in filter(None, namespace.split(".")):
        module = getattr(module, part)
    missing = [name for name in KERAS_NAMES[namespace] if not hasattr(module, name)]
    assert not missing, f"keras.{namespace or '<top>'} lacks {missing}"
