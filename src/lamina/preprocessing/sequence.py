"""``keras.preprocessing.sequence``: ``pad_sequences``."""

from lamina.utils.sequence_utils import pad_sequences as pad_sequences

__all__ = ["pad_sequences"]
