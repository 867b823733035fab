"""``rearrange``: einops-style axis reordering, merging and splitting in one pattern."""

from __future__ import annotations

import math
import re

from lamina.backend import engine
from lamina.ops.dispatch import op

_TOKEN = re.compile(r"\([^()]*\)|[A-Za-z_]\w*|\S")


def _groups(side: str, pattern: str) -> list[list[str]]:
    """``"b (h w) c"`` -> ``[["b"], ["h", "w"], ["c"]]``."""
    groups = []
    for token in _TOKEN.findall(side):
        if token.startswith("("):
            names = token[1:-1].split()
        elif re.fullmatch(r"[A-Za-z_]\w*", token):
            names = [token]
        else:
            raise ValueError(f"rearrange: unexpected {token!r} in pattern {pattern!r}.")
        groups.append(names)
    return groups


def _parse(pattern: str, input_shape: tuple, axes_lengths: dict):
    if not isinstance(pattern, str) or pattern.count("->") != 1:
        raise ValueError(f"rearrange: pattern must read 'inputs -> outputs'; received {pattern!r}.")
    left, right = (_groups(side, pattern) for side in pattern.split("->"))
    if len(left) != len(input_shape):
        raise ValueError(
            f"rearrange: pattern {pattern!r} names {len(left)} input axes; the tensor has "
            f"shape {input_shape}."
        )
    left_names = [name for group in left for name in group]
    right_names = [name for group in right for name in group]
    if sorted(left_names) != sorted(right_names) or len(set(left_names)) != len(left_names):
        raise ValueError(
            f"rearrange: pattern {pattern!r} must use each axis name once on each side."
        )
    sizes = {}
    for group, dim in zip(left, input_shape):
        unknown = [name for name in group if name not in axes_lengths]
        known = math.prod(int(axes_lengths[name]) for name in group if name in axes_lengths)
        if len(unknown) > 1:
            raise ValueError(
                f"rearrange: give the lengths of all but one of {group} in pattern {pattern!r}."
            )
        if unknown:
            sizes[unknown[0]] = None if dim is None else dim // known
        elif dim is not None and known != dim:
            raise ValueError(f"rearrange: axes {group} of lengths {known} do not divide {dim}.")
        sizes.update({name: int(axes_lengths[name]) for name in group if name in axes_lengths})
    return left_names, right, sizes


def _rearrange(tensor, pattern, axes_lengths):
    tensor = engine.core.convert_to_tensor(tensor)
    left_names, right, sizes = _parse(pattern, tuple(tensor.shape), axes_lengths)
    split = engine.numpy.reshape(tensor, tuple(sizes[name] for name in left_names))
    order = [left_names.index(name) for group in right for name in group]
    moved = engine.numpy.transpose(split, order)
    return engine.numpy.reshape(
        moved, tuple(math.prod(sizes[name] for name in group) for group in right)
    )


_rearrange_op = op(_rearrange, name="rearrange")


def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, merge and split the axes of ``tensor`` by an einops pattern: ``"b h w c ->
    b c h w"`` transposes, ``"b h w c -> b (h w) c"`` merges, ``"b (h p) w c -> b h p w c"``
    splits (with ``p=2`` given as a keyword).
    """
    return _rearrange_op(tensor, pattern, axes_lengths)
