"""Recurrent layers: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D, their cells, StackedRNNCells,
the generic RNN and Bidirectional."""

from lamina.layers.rnn.bidirectional import Bidirectional as Bidirectional
from lamina.layers.rnn.conv_lstm1d import ConvLSTM1D as ConvLSTM1D
from lamina.layers.rnn.conv_lstm2d import ConvLSTM2D as ConvLSTM2D
from lamina.layers.rnn.conv_lstm3d import ConvLSTM3D as ConvLSTM3D
from lamina.layers.rnn.gru import GRU as GRU
from lamina.layers.rnn.gru_cell import GRUCell as GRUCell
from lamina.layers.rnn.lstm import LSTM as LSTM
from lamina.layers.rnn.lstm_cell import LSTMCell as LSTMCell
from lamina.layers.rnn.rnn import RNN as RNN
from lamina.layers.rnn.simple_rnn import SimpleRNN as SimpleRNN
from lamina.layers.rnn.simple_rnn_cell import SimpleRNNCell as SimpleRNNCell
from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells as StackedRNNCells

__all__ = [
    "Bidirectional",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "GRU",
    "LSTM",
    "RNN",
    "GRUCell",
    "LSTMCell",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
]
