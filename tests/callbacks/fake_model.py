"""A stand-in for a model: what callbacks touch, and a record of what they did."""

import numpy as np


class FakeOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate


class FakeModel:
    def __init__(self):
        self.weights = [np.zeros((2, 2)), np.zeros(2)]
        self.stop_training = False
        self.optimizer = FakeOptimizer()
        self.saved = []
        self.history = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))
