"""Merging layers: combine a list of tensors into one, and their functional forms."""

from lamina.layers.merging.add import Add as Add, add as add
from lamina.layers.merging.average import Average as Average, average as average
from lamina.layers.merging.base_merge import Merge as Merge
from lamina.layers.merging.concatenate import Concatenate as Concatenate, concatenate as concatenate
from lamina.layers.merging.dot import Dot as Dot, dot as dot
from lamina.layers.merging.maximum import Maximum as Maximum, maximum as maximum
from lamina.layers.merging.minimum import Minimum as Minimum, minimum as minimum
from lamina.layers.merging.multiply import Multiply as Multiply, multiply as multiply
from lamina.layers.merging.subtract import Subtract as Subtract, subtract as subtract

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Merge",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
