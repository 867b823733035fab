"""pad_sequences: ragged lists of sequences to one rectangular NumPy array, as Keras."""

from __future__ import annotations

import numpy as np

_SIDES = ("pre", "post")


def _lengths(sequences) -> list:
    lengths = []
    for index, sequence in enumerate(sequences):
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError(
                "`sequences` must be a list of iterables; "
                f"found the non-iterable {sequence!r} at position {index}."
            ) from error
    return lengths


def pad_sequences(
    sequences,
    maxlen=None,
    dtype="int32",
    padding="pre",
    truncating="pre",
    value=0.0,
) -> np.ndarray:
    """Pads (or truncates) each sequence to a common length ``maxlen``.

    Returns an array of shape ``(len(sequences), maxlen, *step_shape)``; ``maxlen``
    defaults to the longest sequence's length. ``padding`` and ``truncating`` ("pre" or
    "post") say at which end values are added or removed. Use ``dtype=object`` to pad
    variable-length strings.

    >>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2)
    array([[0, 1], [2, 3], [5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"`sequences` must be a list of sequences; received {sequences!r}.")
    if padding not in _SIDES:
        raise ValueError(f'padding must be "pre" or "post"; received padding={padding!r}.')
    if truncating not in _SIDES:
        raise ValueError(f'truncating must be "pre" or "post"; received truncating={truncating!r}.')
    lengths = _lengths(sequences)
    # The shape of one step comes from the first non-empty sequence; () for scalar steps.
    sample_shape = next(
        (np.asarray(s).shape[1:] for s, length in zip(sequences, lengths) if length), ()
    )
    if maxlen is None:
        maxlen = max(lengths, default=0)
    elif isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise ValueError(f"maxlen must be None or an integer >= 0; received maxlen={maxlen!r}.")
    is_string_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_string_dtype:
        raise ValueError(
            f"dtype={dtype!r} cannot hold the string padding value {value!r}; "
            "use dtype=object for variable-length strings."
        )

    padded = np.full((len(sequences), int(maxlen), *sample_shape), value, dtype=dtype)
    for index, (sequence, length) in enumerate(zip(sequences, lengths)):
        if not length or not maxlen:
            continue
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"Each step of every sequence must have shape {sample_shape}, as the first "
                f"non-empty one; the sequence at position {index} has steps of shape "
                f"{kept.shape[1:]}."
            )
        if padding == "pre":
            padded[index, maxlen - len(kept) :] = kept
        else:
            padded[index, : len(kept)] = kept
    return padded
