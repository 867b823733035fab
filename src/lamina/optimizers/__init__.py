"""Optimizers with Keras 3's class names, arguments, defaults and configs."""

from lamina.optimizers import schedules as schedules
from lamina.optimizers.adagrad import Adagrad as Adagrad
from lamina.optimizers.adam import Adam as Adam
from lamina.optimizers.adamw import AdamW as AdamW
from lamina.optimizers.lookup import deserialize as deserialize
from lamina.optimizers.lookup import get as get
from lamina.optimizers.lookup import serialize as serialize
from lamina.optimizers.optimizer import Optimizer as Optimizer
from lamina.optimizers.rmsprop import RMSprop as RMSprop
from lamina.optimizers.sgd import SGD as SGD

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
