"""Argument checks that every engine makes the same way, so each message is written once.

Each check takes plain Python values (sizes, shapes, strings), raises ``ValueError`` naming
the op, what was expected and what was received, and returns nothing.
"""

from __future__ import annotations

PAD_MODES = ("constant", "reflect", "symmetric", "edge")


def check_split_sections(size, sections, axis) -> None:
    """``split`` into ``sections`` equal parts needs an axis whose size they divide."""
    if size is not None and size % sections:
        raise ValueError(
            f"split: axis {axis} of size {size} does not divide into {sections} equal sections."
        )


def check_pad_mode(mode, constant_values) -> None:
    """``pad`` knows four modes, and only 'constant' takes ``constant_values``."""
    if mode not in PAD_MODES:
        raise ValueError(
            f"pad: mode must be 'constant', 'reflect', 'symmetric' or 'edge'; received {mode!r}."
        )
    if mode != "constant" and constant_values is not None:
        raise ValueError(f"pad: constant_values is only used with mode='constant'; got {mode!r}.")


def check_same_shape(name, target_shape, output_shape) -> None:
    """Categorical and binary cross-entropies compare ``target`` and ``output`` entry by entry."""
    if target_shape != output_shape:  # engine shapes compare as they are: no copy per call
        raise ValueError(
            f"{name}: target and output must have the same shape; received "
            f"target.shape={tuple(target_shape)}, output.shape={tuple(output_shape)}."
        )


def check_sparse_target_rank(target_shape, output_shape) -> None:
    """Sparse cross-entropy takes one class id per row of ``output``'s class axis."""
    if len(target_shape) != len(output_shape) - 1:
        raise ValueError(
            "sparse_categorical_crossentropy: target must have one dimension less than output; "
            f"received target.shape={tuple(target_shape)}, output.shape={tuple(output_shape)}."
        )
