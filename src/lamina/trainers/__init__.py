"""Floor 4: the training loop shared by every model, and the data adapters that feed it."""

from lamina.trainers.epoch_iterator import EpochIterator
from lamina.trainers.trainer import Trainer

__all__ = ["EpochIterator", "Trainer"]
