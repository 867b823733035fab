"""Shared pieces of the tests of lamina.ops.numpy's modules."""

import pytest

from tests.ops.op_harness import case_ids, check_eager, check_symbolic

M = (4, 3)  # a small matrix shape used throughout


def parametrize_cases(cases):
    """The two standard tests (eager values, symbolic shapes) for an OpCase table."""
    symbolic = [case for case in cases if case.symbolic]

    @pytest.mark.parametrize("case", cases, ids=case_ids(cases))
    def test_matches_numpy(case, rng):
        check_eager(case, rng)

    @pytest.mark.parametrize("case", symbolic, ids=case_ids(symbolic))
    def test_symbolic_shape_and_dtype(case, rng):
        check_symbolic(case, rng)

    return test_matches_numpy, test_symbolic_shape_and_dtype
