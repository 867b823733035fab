"""Floor 5: models. ``Model``, ``Sequential`` and the Functional graph model."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
