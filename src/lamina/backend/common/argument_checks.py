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


RESIZE_INTERPOLATIONS = ("nearest", "bilinear", "bicubic")


def check_resize(interpolation, rank) -> None:
    """``resize`` samples three ways, on one image (rank 3) or a batch (rank 4)."""
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"resize: interpolation must be one of {list(RESIZE_INTERPOLATIONS)}; "
            f"received {interpolation!r}."
        )
    if rank is not None and rank not in (3, 4):
        raise ValueError(
            f"resize expects images of rank 3 (unbatched) or 4 (batched); received rank {rank}."
        )


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


CORRELATE_MODES = ("valid", "same", "full")


def check_correlate_mode(mode) -> None:
    """``correlate`` keeps NumPy's three output lengths."""
    if mode not in CORRELATE_MODES:
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full'; received {mode!r}.")


# ---- convert_to_tensor's refusals (every engine's) ---------------------------------------


def check_numeric_array(array, kind=None) -> None:
    """A tensor holds numbers: an array of strings or objects is refused. ``kind`` overrides
    ``array.dtype.kind`` where NumPy's is not the number kind (bfloat16's is 'V')."""
    if (kind or array.dtype.kind) not in "biufc":
        first = f" (first element: {array.flat[0]!r})" if array.size else ""
        raise TypeError(
            f"Expected a numeric array; received an array of dtype {array.dtype}{first}."
        )


def check_numeric_sequence(array, values) -> None:
    """A list or tuple converts to numbers only (``array`` is ``np.asarray(values)``)."""
    if array.dtype.kind not in "biufc":
        raise TypeError(f"Expected numeric values; received {values!r:.200}.")


def conversion_error(x, error) -> TypeError:
    """What the engine's own conversion said about ``x``, as one TypeError to raise."""
    return TypeError(f"Cannot convert {x!r:.200} to a tensor: {error}")


def symbolic_conversion_error(x) -> TypeError:
    """The error for a KerasTensor given where a concrete value is needed."""
    return TypeError(
        "A symbolic KerasTensor cannot be converted to a concrete tensor; it has no value. "
        f"Received {x}."
    )


def check_scan_length(xs, length) -> None:
    """``scan`` steps over ``xs`` or, without it, ``length`` times."""
    if xs is None and length is None:
        raise ValueError("scan needs xs or length; received xs=None and length=None.")


def refuse_torch_export(engine: str):
    """``export(format='torch')`` on an engine other than torch: always raises."""
    raise ValueError(
        "export(format='torch') writes a torch.export ExportedProgram and needs the torch "
        f"engine (LAMINA_BACKEND=torch); the active engine is {engine!r}."
    )
