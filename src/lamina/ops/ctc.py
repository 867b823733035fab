"""Connectionist temporal classification: ``ctc_loss`` and ``ctc_decode``, as in Keras.

The loss is the log-space forward algorithm of Graves et al. (2006) over the label sequence
with a blank (``mask_index``) around and between the labels, one ``scan`` step per frame,
so it is differentiable wherever the engine is. An engine with its own CTC kernel (torch)
provides it in its optional ``nn_kernels`` module; tests check that the two agree.

Greedy decoding is a handful of tensor ops. Beam search (a prefix beam search, which keeps
for each candidate label prefix the log probability of its alignments ending in a blank
and in a label) runs eagerly on the host in NumPy, like the search loops it replaces; its
output shapes are stated for symbolic calls.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import KerasTensor, engine, result_type
from lamina.ops import numpy as _np
from lamina.ops.core import cast, convert_to_numpy, convert_to_tensor, dtype, scan, shape
from lamina.ops.nn import log_softmax
from lamina.ops.numpy.dtype_rules import op_with_spec

_KERNELS = getattr(engine, "nn_kernels", None)  # an engine's native CTC loss, when it has one

_LOG_ZERO = -1e10  # log(0) stand-in: finite, so logaddexp and its gradient stay finite


def _check_batch(name1, shape1, name2, shape2) -> None:
    if shape1[0] is not None and shape2[0] is not None and shape1[0] != shape2[0]:
        raise ValueError(
            f"ctc_loss: {name1} and {name2} must have the same first (batch) dimension; "
            f"received shapes {tuple(shape1)} and {tuple(shape2)}."
        )


def _check_loss_arguments(target, output, target_length, output_length) -> None:
    target, output = shape(target), shape(output)
    if len(target) != 2 or len(output) != 3:
        raise ValueError(
            "ctc_loss expects target of shape (batch, max_label_length) and output of shape "
            f"(batch, max_length, num_classes); received target.shape={target}, "
            f"output.shape={output}."
        )
    _check_batch("target", target, "output", output)
    _check_batch("target_length", shape(target_length), "target", target)
    _check_batch("output_length", shape(output_length), "output", output)


def _loss_dtype(output) -> str:
    return result_type(dtype(output), "float32")  # as tf.nn.ctc_loss: float16 computes in float32


# The public ops' losses and scores: float32 for every input dtype, as Keras 3.15 on every
# engine (its result_type(dtype, "float32") gives float32 for half floats and float64 alike).
_PUBLIC_DTYPE = "float32"


def _log_zeros(batch: int, size: int, dtype_name: str):
    return _np.full((batch, size), _LOG_ZERO, dtype=dtype_name)


def _ctc_forward(target, output, target_length, output_length, mask_index=0):
    """-log p(target | output) per batch entry, by the forward (alpha) recursion."""
    target = cast(convert_to_tensor(target), "int32")
    output = convert_to_tensor(output)
    target_length = cast(convert_to_tensor(target_length), "int32")
    output_length = cast(convert_to_tensor(output_length), "int32")
    _check_loss_arguments(target, output, target_length, output_length)
    compute_dtype = _loss_dtype(output)
    log_probs = log_softmax(cast(output, compute_dtype), axis=-1)  # (B, T, K)
    batch, max_time, _ = log_probs.shape
    max_label = target.shape[1]
    size = 2 * max_label + 1  # blank, label, blank, ..., label, blank

    in_label = _np.less(_np.arange(max_label)[None, :], target_length[:, None])
    target = _np.where(in_label, target, mask_index)  # padding ids could be out of range
    blanks = _np.full((batch, max_label), mask_index, dtype="int32")
    extended = _np.reshape(_np.stack([blanks, target], axis=-1), (batch, 2 * max_label))
    extended = _np.concatenate([extended, blanks[:, :1]], axis=1)  # (B, S)

    # A label may follow the label two places back (skipping the blank between) unless it
    # repeats it: "a a" needs a blank in between.
    positions = _np.arange(size)[None, :]
    previous_label = _np.concatenate([_np.full((batch, 2), -1, dtype="int32"), extended], 1)
    can_skip = _np.logical_and(
        _np.equal(_np.mod(positions, 2), 1),
        _np.not_equal(extended, previous_label[:, :size]),
    )
    can_skip = _np.logical_and(can_skip, _np.greater_equal(positions, 2))

    index = _np.broadcast_to(extended[:, None, :], (batch, max_time, size))
    emissions = _np.take_along_axis(log_probs, index, axis=2)  # (B, T, S)
    emissions = _np.transpose(emissions, (1, 0, 2))  # (T, B, S)
    in_time = _np.less(_np.arange(max_time)[:, None], output_length[None, :])  # (T, B)
    steps = _np.concatenate([emissions, cast(in_time, compute_dtype)[..., None]], axis=-1)

    log_zero_1, log_zero_2 = (
        _log_zeros(batch, 1, compute_dtype),
        _log_zeros(batch, 2, compute_dtype),
    )
    alpha = _np.where(_np.less(positions, 2), emissions[0], _log_zeros(batch, size, compute_dtype))

    def step(alpha, frame):  # alpha: (B, S); frame: (B, S + 1), the emissions and in_time
        from_previous = _np.concatenate([log_zero_1, alpha], axis=1)[:, :size]
        from_skip = _np.concatenate([log_zero_2, alpha], axis=1)[:, :size]
        from_skip = _np.where(can_skip, from_skip, log_zero_2[:, :1])
        reached = _np.logaddexp(_np.logaddexp(alpha, from_previous), from_skip)
        advanced = _np.add(reached, frame[:, :size])
        return _np.where(_np.greater(frame[:, size:], 0.5), advanced, alpha), None

    if max_time > 1:
        alpha, _ = scan(step, alpha, steps[1:])
    # The path ends on the last label or on the blank after it.
    end = _np.multiply(target_length, 2)[:, None]
    on_blank = _np.take_along_axis(alpha, end, axis=1)[:, 0]
    on_label = _np.take_along_axis(alpha, _np.maximum(_np.subtract(end, 1), 0), axis=1)[:, 0]
    on_label = _np.where(_np.greater(target_length, 0), on_label, log_zero_1[:, 0])
    return _np.negative(_np.logaddexp(on_blank, on_label))


def _ctc_loss_spec(target, output, target_length, output_length, mask_index=0):
    _check_loss_arguments(target, output, target_length, output_length)
    return KerasTensor((target.shape[0],), dtype=_PUBLIC_DTYPE)


_ctc_loss_function = _KERNELS.ctc_loss if _KERNELS is not None else _ctc_forward
_ctc_loss = op_with_spec(_ctc_loss_function, _ctc_loss_spec, name="ctc_loss")


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC loss per batch entry: -log p(target | output).

    Args:
        target: (batch, max_label_length) integer labels; entries past ``target_length``
            are ignored.
        output: (batch, max_length, num_classes) logits (log-softmax is applied here).
        target_length: (batch,) label counts.
        output_length: (batch,) frame counts.
        mask_index: the blank class.
    """
    _check_loss_arguments(target, output, target_length, output_length)
    output = cast(output, _PUBLIC_DTYPE)  # every engine's kernel then sees float32
    return _ctc_loss(target, output, target_length, output_length, mask_index)


# ---- decoding -----------------------------------------------------------------------------


def _greedy_decode(inputs, sequence_lengths, merge_repeated, mask_index):
    batch, max_length, _ = inputs.shape
    indices = cast(_np.argmax(inputs, axis=-1), "int32")  # (B, T)
    scores = _np.max(inputs, axis=-1)
    beyond = _np.greater_equal(_np.arange(max_length)[None, :], sequence_lengths[:, None])
    indices = _np.where(beyond, mask_index, indices)
    scores = _np.where(beyond, _np.zeros_like(scores), scores)
    if merge_repeated:
        repeats = _np.equal(indices[:, 1:], indices[:, :-1])
        repeats = _np.concatenate([_np.zeros((batch, 1), dtype="bool"), repeats], axis=1)
        indices = _np.where(repeats, mask_index, indices)
    blank = _np.equal(indices, mask_index)
    indices = _np.where(blank, -1, indices)
    # Labels first, in their order; the -1 blanks after them.
    order = _np.argsort(_np.where(blank, max_length, _np.arange(max_length)[None, :]), axis=-1)
    indices = _np.take_along_axis(indices, cast(order, "int32"), axis=-1)
    return _np.expand_dims(indices, 0), _np.negative(_np.sum(scores, axis=1, keepdims=True))


def _logsumexp_pair(a: float, b: float) -> float:
    return float(np.logaddexp(a, b))


def _beam_search_one(
    log_probs: np.ndarray, length: int, beam_width: int, top_paths: int, mask_index: int
) -> list[tuple[tuple, float]]:
    """The ``top_paths`` best label sequences of one (T, K) log-probability matrix."""
    # prefix -> (log p of alignments ending in blank, ... ending in the prefix's last label)
    beams: dict[tuple, tuple[float, float]] = {(): (0.0, -np.inf)}
    for t in range(max(int(length), 1)):
        frame = log_probs[t]
        grown: dict[tuple, list[float]] = {}

        def add(prefix: tuple, on_blank=-np.inf, on_label=-np.inf, grown=grown) -> None:
            entry = grown.setdefault(prefix, [-np.inf, -np.inf])
            entry[0] = _logsumexp_pair(entry[0], on_blank)
            entry[1] = _logsumexp_pair(entry[1], on_label)

        for prefix, (on_blank, on_label) in beams.items():
            total = _logsumexp_pair(on_blank, on_label)
            add(prefix, on_blank=total + frame[mask_index])
            for label in range(len(frame)):
                if label == mask_index:
                    continue
                if prefix and prefix[-1] == label:
                    add(prefix, on_label=on_label + frame[label])  # a repeat collapses
                    add(prefix + (label,), on_label=on_blank + frame[label])  # after a blank
                else:
                    add(prefix + (label,), on_label=total + frame[label])
        ranked = sorted(grown, key=lambda prefix: -_logsumexp_pair(*grown[prefix]))
        beams = {prefix: (grown[prefix][0], grown[prefix][1]) for prefix in ranked[:beam_width]}
    best = sorted(beams, key=lambda prefix: -_logsumexp_pair(*beams[prefix]))[:top_paths]
    return [(prefix, _logsumexp_pair(*beams[prefix])) for prefix in best]


def _beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, mask_index):
    log_probs = convert_to_numpy(log_softmax(inputs, axis=-1)).astype(np.float64)
    lengths = convert_to_numpy(sequence_lengths)
    batch, max_length, _ = log_probs.shape
    paths = np.full((top_paths, batch, max_length), -1, dtype=np.int32)
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        found = _beam_search_one(log_probs[b], lengths[b], beam_width, top_paths, mask_index)
        for rank, (prefix, score) in enumerate(found):
            paths[rank, b, : len(prefix)] = prefix
            scores[b, rank] = score
    return (
        convert_to_tensor(paths),
        convert_to_tensor(scores.astype(dtype(inputs))),
    )


def _decode_arguments(inputs, strategy, beam_width, top_paths, mask_index):
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(
            f"ctc_decode: strategy must be 'greedy' or 'beam_search'; received {strategy!r}."
        )
    if len(inputs.shape) != 3:
        raise ValueError(
            "ctc_decode expects inputs of shape (batch, max_length, num_classes); received "
            f"{tuple(inputs.shape)}."
        )
    for name, value in (("beam_width", beam_width), ("top_paths", top_paths)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"ctc_decode: {name} must be an int >= 1; received {value!r}.")
    if strategy == "beam_search" and top_paths > beam_width:
        raise ValueError(
            f"ctc_decode: top_paths ({top_paths}) must be <= beam_width ({beam_width})."
        )
    return inputs.shape[-1] - 1 if mask_index is None else mask_index


def _ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    inputs = convert_to_tensor(inputs)
    mask_index = _decode_arguments(inputs, strategy, beam_width, top_paths, mask_index)
    inputs = cast(inputs, _PUBLIC_DTYPE)
    sequence_lengths = cast(convert_to_tensor(sequence_lengths), "int32")
    if strategy == "greedy":
        return _greedy_decode(inputs, sequence_lengths, merge_repeated, mask_index)
    return _beam_search_decode(inputs, sequence_lengths, beam_width, top_paths, mask_index)


def _ctc_decode_spec(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    _decode_arguments(inputs, strategy, beam_width, top_paths, mask_index)
    paths = 1 if strategy == "greedy" else top_paths
    batch, max_length = inputs.shape[0], inputs.shape[1]
    return (
        KerasTensor((paths, batch, max_length), dtype="int32"),
        KerasTensor((batch, paths), dtype=_PUBLIC_DTYPE),
    )


_public_ctc_decode = op_with_spec(_ctc_decode, _ctc_decode_spec, name="ctc_decode")


def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Decode CTC logits (batch, max_length, num_classes) into label sequences.

    Returns ``(paths, scores)`` as Keras: ``paths`` is (1, batch, max_length) for "greedy"
    and (top_paths, batch, max_length) for "beam_search", each sequence padded with -1;
    ``scores`` is (batch, 1), minus the sum of the chosen logits, for "greedy", and
    (batch, top_paths), the log probability of each sequence, for "beam_search". Beam search
    runs eagerly on the host (not inside a compiled JAX function).
    """
    return _public_ctc_decode(
        inputs,
        sequence_lengths,
        strategy=strategy,
        beam_width=beam_width,
        top_paths=top_paths,
        merge_repeated=merge_repeated,
        mask_index=mask_index,
    )
