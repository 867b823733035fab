"""Floor 3: layers, one per module, grouped by family folders."""

from lamina.layers.activations import (
    ELU as ELU,
)
from lamina.layers.activations import (
    LeakyReLU as LeakyReLU,
)
from lamina.layers.activations import (
    PReLU as PReLU,
)
from lamina.layers.activations import (
    ReLU as ReLU,
)
from lamina.layers.activations import (
    Softmax as Softmax,
)
from lamina.layers.attention import (
    AdditiveAttention as AdditiveAttention,
)
from lamina.layers.attention import (
    Attention as Attention,
)
from lamina.layers.attention import (
    GroupQueryAttention as GroupQueryAttention,
)
from lamina.layers.attention import (
    MultiHeadAttention as MultiHeadAttention,
)
from lamina.layers.convolutional import (
    Conv1D as Conv1D,
)
from lamina.layers.convolutional import (
    Conv1DTranspose as Conv1DTranspose,
)
from lamina.layers.convolutional import (
    Conv2D as Conv2D,
)
from lamina.layers.convolutional import (
    Conv2DTranspose as Conv2DTranspose,
)
from lamina.layers.convolutional import (
    Conv3D as Conv3D,
)
from lamina.layers.convolutional import (
    Conv3DTranspose as Conv3DTranspose,
)
from lamina.layers.convolutional import (
    Convolution1D as Convolution1D,
)
from lamina.layers.convolutional import (
    Convolution1DTranspose as Convolution1DTranspose,
)
from lamina.layers.convolutional import (
    Convolution2D as Convolution2D,
)
from lamina.layers.convolutional import (
    Convolution2DTranspose as Convolution2DTranspose,
)
from lamina.layers.convolutional import (
    Convolution3D as Convolution3D,
)
from lamina.layers.convolutional import (
    Convolution3DTranspose as Convolution3DTranspose,
)
from lamina.layers.convolutional import (
    DepthwiseConv1D as DepthwiseConv1D,
)
from lamina.layers.convolutional import (
    DepthwiseConv2D as DepthwiseConv2D,
)
from lamina.layers.convolutional import (
    SeparableConv1D as SeparableConv1D,
)
from lamina.layers.convolutional import (
    SeparableConv2D as SeparableConv2D,
)
from lamina.layers.convolutional import (
    SeparableConvolution1D as SeparableConvolution1D,
)
from lamina.layers.convolutional import (
    SeparableConvolution2D as SeparableConvolution2D,
)
from lamina.layers.core import (
    Activation as Activation,
)
from lamina.layers.core import (
    Dense as Dense,
)
from lamina.layers.core import (
    EinsumDense as EinsumDense,
)
from lamina.layers.core import (
    Embedding as Embedding,
)
from lamina.layers.core import (
    Identity as Identity,
)
from lamina.layers.core import (
    Input as Input,
)
from lamina.layers.core import (
    InputLayer as InputLayer,
)
from lamina.layers.core import (
    Lambda as Lambda,
)
from lamina.layers.core import (
    Masking as Masking,
)
from lamina.layers.core import (
    ReversibleEmbedding as ReversibleEmbedding,
)
from lamina.layers.core import (
    TimeDistributed as TimeDistributed,
)
from lamina.layers.core import (
    Wrapper as Wrapper,
)
from lamina.layers.input_spec import InputSpec as InputSpec
from lamina.layers.interop import FlaxLayer as FlaxLayer
from lamina.layers.interop import JaxLayer as JaxLayer
from lamina.layers.interop import TorchModuleWrapper as TorchModuleWrapper
from lamina.layers.layer import Layer as Layer
from lamina.layers.lookup import deserialize as deserialize
from lamina.layers.lookup import serialize as serialize
from lamina.layers.merging import (
    Add as Add,
)
from lamina.layers.merging import (
    Average as Average,
)
from lamina.layers.merging import (
    Concatenate as Concatenate,
)
from lamina.layers.merging import (
    Dot as Dot,
)
from lamina.layers.merging import (
    Maximum as Maximum,
)
from lamina.layers.merging import (
    Minimum as Minimum,
)
from lamina.layers.merging import (
    Multiply as Multiply,
)
from lamina.layers.merging import (
    Subtract as Subtract,
)
from lamina.layers.merging import (
    add as add,
)
from lamina.layers.merging import (
    average as average,
)
from lamina.layers.merging import (
    concatenate as concatenate,
)
from lamina.layers.merging import (
    dot as dot,
)
from lamina.layers.merging import (
    maximum as maximum,
)
from lamina.layers.merging import (
    minimum as minimum,
)
from lamina.layers.merging import (
    multiply as multiply,
)
from lamina.layers.merging import (
    subtract as subtract,
)
from lamina.layers.normalization import (
    BatchNormalization as BatchNormalization,
)
from lamina.layers.normalization import (
    GroupNormalization as GroupNormalization,
)
from lamina.layers.normalization import (
    LayerNormalization as LayerNormalization,
)
from lamina.layers.normalization import (
    RMSNormalization as RMSNormalization,
)
from lamina.layers.normalization import (
    SpectralNormalization as SpectralNormalization,
)
from lamina.layers.normalization import (
    UnitNormalization as UnitNormalization,
)
from lamina.layers.pooling import (
    AdaptiveAveragePooling1D as AdaptiveAveragePooling1D,
)
from lamina.layers.pooling import (
    AdaptiveAveragePooling2D as AdaptiveAveragePooling2D,
)
from lamina.layers.pooling import (
    AdaptiveAveragePooling3D as AdaptiveAveragePooling3D,
)
from lamina.layers.pooling import (
    AdaptiveMaxPooling1D as AdaptiveMaxPooling1D,
)
from lamina.layers.pooling import (
    AdaptiveMaxPooling2D as AdaptiveMaxPooling2D,
)
from lamina.layers.pooling import (
    AdaptiveMaxPooling3D as AdaptiveMaxPooling3D,
)
from lamina.layers.pooling import (
    AveragePooling1D as AveragePooling1D,
)
from lamina.layers.pooling import (
    AveragePooling2D as AveragePooling2D,
)
from lamina.layers.pooling import (
    AveragePooling3D as AveragePooling3D,
)
from lamina.layers.pooling import (
    AvgPool1D as AvgPool1D,
)
from lamina.layers.pooling import (
    AvgPool2D as AvgPool2D,
)
from lamina.layers.pooling import (
    AvgPool3D as AvgPool3D,
)
from lamina.layers.pooling import (
    GlobalAveragePooling1D as GlobalAveragePooling1D,
)
from lamina.layers.pooling import (
    GlobalAveragePooling2D as GlobalAveragePooling2D,
)
from lamina.layers.pooling import (
    GlobalAveragePooling3D as GlobalAveragePooling3D,
)
from lamina.layers.pooling import (
    GlobalAvgPool1D as GlobalAvgPool1D,
)
from lamina.layers.pooling import (
    GlobalAvgPool2D as GlobalAvgPool2D,
)
from lamina.layers.pooling import (
    GlobalAvgPool3D as GlobalAvgPool3D,
)
from lamina.layers.pooling import (
    GlobalMaxPool1D as GlobalMaxPool1D,
)
from lamina.layers.pooling import (
    GlobalMaxPool2D as GlobalMaxPool2D,
)
from lamina.layers.pooling import (
    GlobalMaxPool3D as GlobalMaxPool3D,
)
from lamina.layers.pooling import (
    GlobalMaxPooling1D as GlobalMaxPooling1D,
)
from lamina.layers.pooling import (
    GlobalMaxPooling2D as GlobalMaxPooling2D,
)
from lamina.layers.pooling import (
    GlobalMaxPooling3D as GlobalMaxPooling3D,
)
from lamina.layers.pooling import (
    MaxPool1D as MaxPool1D,
)
from lamina.layers.pooling import (
    MaxPool2D as MaxPool2D,
)
from lamina.layers.pooling import (
    MaxPool3D as MaxPool3D,
)
from lamina.layers.pooling import (
    MaxPooling1D as MaxPooling1D,
)
from lamina.layers.pooling import (
    MaxPooling2D as MaxPooling2D,
)
from lamina.layers.pooling import (
    MaxPooling3D as MaxPooling3D,
)
from lamina.layers.preprocessing import (
    Rescaling as Rescaling,
)
from lamina.layers.regularization import (
    ActivityRegularization as ActivityRegularization,
)
from lamina.layers.regularization import (
    AlphaDropout as AlphaDropout,
)
from lamina.layers.regularization import (
    Dropout as Dropout,
)
from lamina.layers.regularization import (
    GaussianDropout as GaussianDropout,
)
from lamina.layers.regularization import (
    GaussianNoise as GaussianNoise,
)
from lamina.layers.regularization import (
    SpatialDropout1D as SpatialDropout1D,
)
from lamina.layers.regularization import (
    SpatialDropout2D as SpatialDropout2D,
)
from lamina.layers.regularization import (
    SpatialDropout3D as SpatialDropout3D,
)
from lamina.layers.reshaping import (
    Cropping1D as Cropping1D,
)
from lamina.layers.reshaping import (
    Cropping2D as Cropping2D,
)
from lamina.layers.reshaping import (
    Cropping3D as Cropping3D,
)
from lamina.layers.reshaping import (
    Flatten as Flatten,
)
from lamina.layers.reshaping import (
    Permute as Permute,
)
from lamina.layers.reshaping import (
    RepeatVector as RepeatVector,
)
from lamina.layers.reshaping import (
    Reshape as Reshape,
)
from lamina.layers.reshaping import (
    UpSampling1D as UpSampling1D,
)
from lamina.layers.reshaping import (
    UpSampling2D as UpSampling2D,
)
from lamina.layers.reshaping import (
    UpSampling3D as UpSampling3D,
)
from lamina.layers.reshaping import (
    ZeroPadding1D as ZeroPadding1D,
)
from lamina.layers.reshaping import (
    ZeroPadding2D as ZeroPadding2D,
)
from lamina.layers.reshaping import (
    ZeroPadding3D as ZeroPadding3D,
)
from lamina.layers.rnn import (
    GRU as GRU,
)
from lamina.layers.rnn import (
    LSTM as LSTM,
)
from lamina.layers.rnn import (
    RNN as RNN,
)
from lamina.layers.rnn import (
    Bidirectional as Bidirectional,
)
from lamina.layers.rnn import (
    ConvLSTM1D as ConvLSTM1D,
)
from lamina.layers.rnn import (
    ConvLSTM2D as ConvLSTM2D,
)
from lamina.layers.rnn import (
    ConvLSTM3D as ConvLSTM3D,
)
from lamina.layers.rnn import (
    GRUCell as GRUCell,
)
from lamina.layers.rnn import (
    LSTMCell as LSTMCell,
)
from lamina.layers.rnn import (
    SimpleRNN as SimpleRNN,
)
from lamina.layers.rnn import (
    SimpleRNNCell as SimpleRNNCell,
)
from lamina.layers.rnn import (
    StackedRNNCells as StackedRNNCells,
)

__all__ = [
    "FlaxLayer",
    "JaxLayer",
    "TorchModuleWrapper",
    "Lambda",
    "ReversibleEmbedding",
    "TimeDistributed",
    "Wrapper",
    "Dot",
    "dot",
    "GroupNormalization",
    "RMSNormalization",
    "SpectralNormalization",
    "UnitNormalization",
    "ActivityRegularization",
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "Activation",
    "Add",
    "AdditiveAttention",
    "Attention",
    "Average",
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNormalization",
    "Bidirectional",
    "Concatenate",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Cropping1D",
    "Cropping2D",
    "Dense",
    "DepthwiseConv2D",
    "Dropout",
    "ELU",
    "EinsumDense",
    "Embedding",
    "Flatten",
    "GRU",
    "GRUCell",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GroupQueryAttention",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "LSTM",
    "LSTMCell",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "Masking",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "Maximum",
    "Minimum",
    "MultiHeadAttention",
    "Multiply",
    "PReLU",
    "Permute",
    "RNN",
    "ReLU",
    "RepeatVector",
    "Rescaling",
    "Reshape",
    "SimpleRNN",
    "SimpleRNNCell",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "StackedRNNCells",
    "Softmax",
    "Subtract",
    "UpSampling1D",
    "UpSampling2D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "add",
    "average",
    "concatenate",
    "maximum",
    "minimum",
    "multiply",
    "deserialize",
    "serialize",
    "subtract",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "DepthwiseConv1D",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    "AveragePooling3D",
    "AvgPool3D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool3D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling3D",
    "MaxPool3D",
    "MaxPooling3D",
    "Cropping3D",
    "UpSampling3D",
    "ZeroPadding3D",
]
