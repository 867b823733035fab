"""ctc_loss and ctc_decode (ops/ctc.py) against float64 NumPy references: every alignment
enumerated for tiny cases, the forward recursion in probability space for larger ones."""

import itertools

import numpy as np
import pytest

from lamina import backend, ops
from lamina.ops import ctc
from tests.harness import assert_close, engine_gradients, numeric_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _collapse(path, blank):
    merged = [label for i, label in enumerate(path) if i == 0 or label != path[i - 1]]
    return tuple(label for label in merged if label != blank)


def _labelings(probs, blank):
    """{label sequence: probability}, summing every alignment of a (T, K) matrix."""
    found: dict[tuple, float] = {}
    for path in itertools.product(range(probs.shape[1]), repeat=probs.shape[0]):
        labels = _collapse(path, blank)
        found[labels] = found.get(labels, 0.0) + np.prod(probs[np.arange(len(path)), path])
    return found


def _brute_force_loss(target, logits, target_length, output_length, blank=0):
    losses = []
    for b in range(len(target)):
        probs = _softmax(logits[b, : output_length[b]])
        wanted = tuple(int(t) for t in target[b, : target_length[b]])
        losses.append(-np.log(_labelings(probs, blank).get(wanted, 0.0)))
    return np.array(losses)


def _forward_loss(target, logits, target_length, output_length, blank=0):
    """Graves's alpha recursion with probabilities rescaled per frame (float64)."""
    losses = []
    for b in range(len(target)):
        probs = _softmax(logits[b, : output_length[b]])
        labels = [blank]
        for t in target[b, : target_length[b]]:
            labels += [int(t), blank]
        alpha = np.zeros(len(labels))
        alpha[:2] = probs[0, labels[:2]]
        log_scale = 0.0
        for t in range(1, len(probs)):
            new = alpha.copy()
            new[1:] += alpha[:-1]
            for s in range(2, len(labels)):
                if labels[s] != blank and labels[s] != labels[s - 2]:
                    new[s] += alpha[s - 2]
            alpha = new * probs[t, labels]
            total = alpha.sum()
            alpha, log_scale = alpha / total, log_scale + np.log(total)
        losses.append(-(np.log(alpha[-1] + (alpha[-2] if len(labels) > 1 else 0)) + log_scale))
    return np.array(losses)


# (target, target_length, output_length) per entry: repeats, an empty label, short frames.
TINY = (np.array([[1, 1], [2, 0], [0, 0]], "int32"), np.array([2, 1, 0], "int32"),
        np.array([5, 4, 3], "int32"))  # fmt: skip
LARGE = (np.array([[1, 2, 2, 3], [4, 4, 1, 0]], "int32"), np.array([4, 3], "int32"),
         np.array([9, 7], "int32"))  # fmt: skip


def _loss_case(label, labels, classes, frames, reference, mask_index=0):
    target, target_length, output_length = labels
    return OpCase(
        "ctc_loss",
        lambda logits: ops.ctc_loss(target, logits, target_length, output_length, mask_index),
        lambda logits: reference(target, logits, target_length, output_length, mask_index),
        ((len(target), frames, classes),),
        batch=False,
        label=label,
    )


def _greedy(logits, lengths, merge_repeated=True, blank=0):
    batch, frames, _ = logits.shape
    paths = -np.ones((1, batch, frames), np.int32)
    scores = np.zeros((batch, 1))
    for b in range(batch):
        best = logits[b, : lengths[b]].argmax(axis=-1)
        scores[b, 0] = -logits[b, : lengths[b]].max(axis=-1).sum()
        kept = [
            label
            for i, label in enumerate(best)
            if label != blank and not (merge_repeated and i > 0 and label == best[i - 1])
        ]
        paths[0, b, : len(kept)] = kept
    return paths, scores


DECODE_LENGTHS = np.array([6, 4, 1], "int32")

CASES = [
    _loss_case("tiny", TINY, 3, 5, _brute_force_loss),
    _loss_case("forward", LARGE, 5, 9, _forward_loss),
    _loss_case("blank_last", (TINY[0] % 2, TINY[1], TINY[2]), 3, 5, _brute_force_loss, 2),
    OpCase("ctc_decode", lambda x: ops.ctc_decode(x, DECODE_LENGTHS),
           lambda x: _greedy(x, DECODE_LENGTHS), ((3, 6, 4),), dtype=("int32", "float32"),
           batch=False),
    OpCase("ctc_decode", lambda x: ops.ctc_decode(x, DECODE_LENGTHS, merge_repeated=False),
           lambda x: _greedy(x, DECODE_LENGTHS, False), ((3, 6, 4),),
           dtype=("int32", "float32"), batch=False, label="unmerged"),
    OpCase("ctc_decode", lambda x: ops.ctc_decode(x, DECODE_LENGTHS, mask_index=None),
           lambda x: _greedy(x, DECODE_LENGTHS, blank=2), ((3, 6, 3),),
           dtype=("int32", "float32"), batch=False, label="mask_last"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_greedy_decode_merges_repeats_and_drops_blanks():
    ids = [[1, 1, 0, 1, 2, 2], [3, 0, 0, 3, 3, 3]]
    logits = np.eye(4, dtype="float32")[ids] * 5.0  # (2, 6, 4), the given id wins each frame
    paths, scores = ops.ctc_decode(logits, np.array([6, 5], "int32"))
    assert_close(paths, [[[1, 1, 2, -1, -1, -1], [3, 3, -1, -1, -1, -1]]])
    assert_close(scores, [[-30.0], [-25.0]])


def test_beam_search_finds_the_most_probable_labelings(rng):
    logits = (2 * rng.standard_normal((2, 4, 3))).astype("float32")
    lengths = np.array([4, 3], "int32")
    paths, scores = ops.ctc_decode(logits, lengths, strategy="beam_search", beam_width=20,
                                   top_paths=3)  # fmt: skip
    assert tuple(ops.shape(paths)) == (3, 2, 4)
    assert ops.dtype(paths) == "int32"
    assert tuple(ops.shape(scores)) == (2, 3)
    assert ops.dtype(scores) == "float32"
    paths, scores = ops.convert_to_numpy(paths), ops.convert_to_numpy(scores)
    for b in range(2):
        probs = _softmax(logits[b, : lengths[b]].astype(np.float64))
        best = sorted(_labelings(probs, 0).items(), key=lambda item: -item[1])[:3]
        for rank, (labels, probability) in enumerate(best):
            assert tuple(int(v) for v in paths[rank, b] if v >= 0) == labels
            assert (paths[rank, b, len(labels) :] == -1).all()
            assert_close(scores[b, rank], np.log(probability), rtol=1e-5)


def test_beam_search_symbolic_shapes():
    inputs = backend.KerasTensor((None, 7, 5))
    paths, scores = ops.ctc_decode(inputs, backend.KerasTensor((None,), "int32"),
                                   strategy="beam_search", top_paths=2)  # fmt: skip
    assert paths.shape == (2, None, 7)
    assert paths.dtype == "int32"
    assert scores.shape == (None, 2)
    assert scores.dtype == "float32"


def test_loss_symbolic_unknown_batch():
    out = ops.ctc_loss(
        backend.KerasTensor((None, 3), "int32"),
        backend.KerasTensor((None, 6, 4)),
        backend.KerasTensor((None,), "int32"),
        backend.KerasTensor((None,), "int32"),
    )
    assert out.shape == (None,)
    assert out.dtype == "float32"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "best"}, "strategy must be 'greedy' or 'beam_search'"),
        ({"strategy": "beam_search", "beam_width": 2, "top_paths": 3}, "top_paths"),
        ({"beam_width": 0}, "beam_width must be an int >= 1"),
    ],
)
def test_decode_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ops.ctc_decode(np.zeros((1, 3, 4), "float32"), np.array([3]), **kwargs)


def test_loss_rejects_mismatched_batches():
    with pytest.raises(ValueError, match="same first"):
        ops.ctc_loss(np.ones((2, 2), "int32"), np.zeros((3, 4, 3), "float32"),
                     np.array([2, 2]), np.array([4, 4, 4]))  # fmt: skip


@pytest.mark.training
def test_loss_gradient_matches_central_differences(rng):
    target, target_length, output_length = TINY
    # float32 and TINY's shapes: on JAX the eager ops compiled for the value test are reused.
    logits = rng.standard_normal((3, 5, 3)).astype("float32")

    def loss(x):
        return ops.ctc_loss(target, x, target_length, output_length)

    (grad,) = engine_gradients(loss, [logits])
    (expected,) = numeric_gradients(
        lambda x: _brute_force_loss(target, x, target_length, output_length), [logits]
    )
    assert_close(grad, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.engine("torch")
def test_native_kernel_agrees_with_the_forward_recursion(rng):
    assert ctc._KERNELS is not None
    target, target_length, output_length = LARGE
    logits = rng.standard_normal((2, 9, 5))
    arguments = (target, logits, target_length, output_length)
    assert_close(ctc._KERNELS.ctc_loss(*arguments), ctc._ctc_forward(*arguments), rtol=1e-10)
    native, written = (
        engine_gradients(lambda x, f=f: f(target, x, target_length, output_length), [logits])[0]
        for f in (ctc._KERNELS.ctc_loss, ctc._ctc_forward)
    )
    assert_close(native, written, rtol=1e-8, atol=1e-10)
