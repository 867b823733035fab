"""Image ops."""

from lamina.backend import engine
from lamina.ops.dispatch import op

resize = op(engine.image.resize)
