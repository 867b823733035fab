"""Docstrings of the public ops whose function comes straight from the active engine.

Many ops are the engine's own function (``ops.random.normal``, ``ops.cond``) or a thin
``op`` wrapper around it (``ops.sin``); the engines' functions carry no public
documentation of their own. This table holds one docstring per such op, written once for
every engine, and ``document`` sets it on the public objects at import. An op written in
``lamina.ops`` keeps the docstring it was written with; the table only replaces what an
engine's function would otherwise lend.
"""

from __future__ import annotations

import inspect
import types

_ELEMENTWISE = (
    "Integer and boolean inputs give ``backend.floatx()`` (as Keras); "
    "float inputs keep their dtype."
)

DOCSTRINGS: dict[str, str] = {
    # ---- creation -------------------------------------------------------------------------
    "arange": """Evenly spaced values in the half-open interval ``[start, stop)``.

        ``arange(stop)`` counts from 0; ``arange(start, stop, step)`` steps by ``step``
        (1 when None). ``dtype`` defaults to what the arguments imply: int32 for integers,
        ``floatx()`` when any of them is a float.

        >>> ops.arange(1, 7, 2)  # [1, 3, 5]
        """,
    "eye": """A 2-D tensor with ones on a diagonal and zeros elsewhere.

        ``N`` rows and ``M`` columns (``M=None``: ``N``); ``k`` picks the diagonal (0 the
        main one, positive above it, negative below). ``dtype`` defaults to ``floatx()``.
        """,
    "identity": """The ``n`` x ``n`` identity matrix, of ``dtype`` (default ``floatx()``).""",
    "full": """A tensor of ``shape`` filled with ``fill_value``, of ``dtype`` (by default the
        dtype that ``fill_value`` implies).""",
    "full_like": """A tensor of ``x``'s shape filled with ``fill_value``, of ``dtype``
        (default ``x``'s dtype).""",
    "ones": """A tensor of ``shape`` filled with ones, of ``dtype`` (default ``floatx()``).""",
    "ones_like": """A tensor of ones with ``x``'s shape, of ``dtype`` (default ``x``'s dtype).""",
    "zeros": """A tensor of ``shape`` filled with zeros, of ``dtype`` (default ``floatx()``).""",
    "zeros_like": """A tensor of zeros with ``x``'s shape, of ``dtype`` (default ``x``'s
        dtype).""",
    "linspace": """``num`` evenly spaced values from ``start`` to ``stop``.

        With ``endpoint=True`` (the default) ``stop`` is the last value; otherwise the
        values stop one step short of it. ``start`` and ``stop`` may be tensors, the values
        then run along ``axis``. With ``retstep=True`` the result is ``(values, step)``.
        ``dtype`` defaults to ``floatx()`` (as Keras).
        """,
    "copy": """A copy of ``x`` (a new tensor with the same values, shape and dtype).""",
    "diag": """The ``k``-th diagonal of a 2-D ``x``, or a 2-D tensor with 1-D ``x`` on its
        ``k``-th diagonal (0: the main diagonal, positive above it, negative below).""",
    "tril": """``x`` with the elements above the ``k``-th diagonal set to zero (the lower
        triangle; on the last two axes for a batch of matrices).""",
    "triu": """``x`` with the elements below the ``k``-th diagonal set to zero (the upper
        triangle; on the last two axes for a batch of matrices).""",
    # ---- dtype and shape ------------------------------------------------------------------
    "astype": """``x`` converted to ``dtype`` (a dtype name such as ``"float16"``).""",
    "broadcast_to": """``x`` broadcast to ``shape`` by NumPy's rules (size-1 axes repeat, new
        leading axes are added).""",
    "expand_dims": """``x`` with a new axis of size 1 at ``axis`` (an int, or a tuple of
        ints for several new axes; negative values count from the end of the result).""",
    "squeeze": """``x`` without its size-1 axes: all of them (``axis=None``) or those at
        ``axis`` (an int or a tuple), which must have size 1.""",
    "ravel": """``x`` flattened to one dimension, in row-major (C) order.""",
    "moveaxis": """``x`` with its axes at ``source`` moved to ``destination`` (ints or
        sequences of ints); the other axes keep their order.""",
    "swapaxes": """``x`` with axes ``axis1`` and ``axis2`` exchanged.""",
    "flip": """``x`` with the order of its elements reversed along ``axis`` (an int, a tuple,
        or None for every axis).""",
    "repeat": """Each element of ``x`` repeated ``repeats`` times (an int or one count per
        element) along ``axis``; ``axis=None`` flattens ``x`` first.""",
    "tile": """``x`` repeated ``repeats`` times along each axis (an int or one count per
        axis; with more counts than axes, ``x`` gains leading axes of size 1).""",
    "split": """``x`` cut into pieces along ``axis``: ``indices_or_sections`` is a number of
        equal pieces (which must divide the axis) or the sorted indices where cuts go.
        Returns a list of tensors.""",
    "pad": """``x`` padded by ``pad_width``: one ``(before, after)`` pair per axis (or one
        pair or number for all). ``mode`` is "constant" (``constant_values``, default 0),
        "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect",
        "symmetric", "wrap" or "empty", as NumPy's ``np.pad``; every engine supports
        "constant", "reflect" and "symmetric".""",
    # ---- indexing -------------------------------------------------------------------------
    "take": """Elements of ``x`` at integer ``indices`` along ``axis`` (``axis=None``: of
        the flattened ``x``). The result's shape replaces that axis by ``indices``'s shape;
        negative indices count from the end.""",
    "take_along_axis": """Values of ``x`` at ``indices`` matched along ``axis``: ``indices``
        has ``x``'s rank and broadcasts with it on the other axes (as
        ``np.take_along_axis``; the indices that ``argsort`` or ``argmax`` with
        ``keepdims`` give). ``axis=None`` works on the flattened ``x``.""",
    # ---- reductions -----------------------------------------------------------------------
    "all": """Whether every element of ``x`` is true (non-zero), over ``axis`` (None: all
        axes; an int or a tuple), as a bool tensor; ``keepdims`` keeps the reduced axes
        with size 1.""",
    "any": """Whether any element of ``x`` is true (non-zero), over ``axis`` (None: all
        axes; an int or a tuple), as a bool tensor; ``keepdims`` keeps the reduced axes
        with size 1.""",
    "count_nonzero": """The number of non-zero elements of ``x`` along ``axis`` (None: in all
        of ``x``), as int32.""",
    "cumsum": """The cumulative sum of ``x`` along ``axis`` (None: of the flattened ``x``),
        in ``dtype`` (default: ``x``'s dtype; bool counts as int32).""",
    "cumprod": """The cumulative product of ``x`` along ``axis`` (None: of the flattened
        ``x``), in ``dtype`` (default: ``x``'s dtype; bool counts as int32).""",
    # ---- products -------------------------------------------------------------------------
    "dot": """The dot product of ``x1`` and ``x2``, as ``np.dot``: scalars multiply, 1-D
        vectors give their inner product, 2-D matrices their matrix product, and N-D
        arrays sum over the last axis of ``x1`` and the second-to-last of ``x2``.""",
    "einsum": """The Einstein summation given by ``subscripts`` over ``operands``
        (``"ij,jk->ik"`` is a matrix product): repeated letters are multiplied, letters
        missing from the output are summed over.""",
    "outer": """The outer product of ``x1`` and ``x2`` (both flattened first): element
        ``[i, j]`` is ``x1[i] * x2[j]``.""",
    "tensordot": """The sum of products of ``x1`` and ``x2`` over axes: ``axes`` is a
        number N (the last N axes of ``x1`` with the first N of ``x2``) or a pair of axis
        lists.""",
    # ---- element-wise ---------------------------------------------------------------------
    "sin": f"Element-wise sine of ``x`` (radians). {_ELEMENTWISE}",
    "cos": f"Element-wise cosine of ``x`` (radians). {_ELEMENTWISE}",
    "tan": f"Element-wise tangent of ``x`` (radians). {_ELEMENTWISE}",
    "arcsin": f"Element-wise inverse sine, in radians in [-pi/2, pi/2]. {_ELEMENTWISE}",
    "arccos": f"Element-wise inverse cosine, in radians in [0, pi]. {_ELEMENTWISE}",
    "arctan": f"Element-wise inverse tangent, in radians in (-pi/2, pi/2). {_ELEMENTWISE}",
    "sinh": f"Element-wise hyperbolic sine. {_ELEMENTWISE}",
    "cosh": f"Element-wise hyperbolic cosine. {_ELEMENTWISE}",
    "tanh": f"Element-wise hyperbolic tangent, in (-1, 1). {_ELEMENTWISE}",
    "arcsinh": f"Element-wise inverse hyperbolic sine. {_ELEMENTWISE}",
    "arccosh": f"Element-wise inverse hyperbolic cosine (NaN below 1). {_ELEMENTWISE}",
    "arctanh": f"Element-wise inverse hyperbolic tangent (NaN outside [-1, 1]). {_ELEMENTWISE}",
    "floor": """Element-wise floor: the largest integer not greater than ``x``. Integer
        inputs give ``floatx()``, as Keras.""",
    "ceil": """Element-wise ceiling: the smallest integer not less than ``x``. Integer
        inputs give ``floatx()``, as Keras.""",
    "equal": """Element-wise ``x1 == x2``, broadcasting; a bool tensor.""",
    "not_equal": """Element-wise ``x1 != x2``, broadcasting; a bool tensor.""",
    "less": """Element-wise ``x1 < x2``, broadcasting; a bool tensor.""",
    "less_equal": """Element-wise ``x1 <= x2``, broadcasting; a bool tensor.""",
    "greater": """Element-wise ``x1 > x2``, broadcasting; a bool tensor.""",
    "greater_equal": """Element-wise ``x1 >= x2``, broadcasting; a bool tensor.""",
    "logical_and": """Element-wise logical AND of the truth values of ``x1`` and ``x2``
        (non-zero is true), broadcasting; a bool tensor.""",
    "logical_or": """Element-wise logical OR of the truth values of ``x1`` and ``x2``
        (non-zero is true), broadcasting; a bool tensor.""",
    "logical_not": """Element-wise logical NOT of the truth value of ``x`` (non-zero is
        true); a bool tensor.""",
    "isnan": """Element-wise test for NaN; a bool tensor (False everywhere for integers).""",
    "isinf": """Element-wise test for positive or negative infinity; a bool tensor.""",
    "isfinite": """Element-wise test for finite values (neither infinite nor NaN); a bool
        tensor (True everywhere for integers).""",
    # ---- math -----------------------------------------------------------------------------
    "erf": """Element-wise Gauss error function ``2 / sqrt(pi) * integral_0^x exp(-t^2) dt``,
        in (-1, 1).""",
    "rsqrt": """Element-wise reciprocal square root ``1 / sqrt(x)``.""",
    "logsumexp": """``log(sum(exp(x)))`` over ``axis`` (None: all axes), computed without
        overflow (the maximum is taken out first); ``keepdims`` keeps the reduced axes.""",
    "segment_sum": """Sums of the slices of ``data`` that share a segment id.

        ``segment_ids`` (integers, one per leading element of ``data``) says which segment
        each slice adds into; the result has ``num_segments`` rows (default: the largest
        id + 1; a static number is needed under jit). ``sorted=True`` promises sorted ids
        (a faster path on some engines); ids outside ``[0, num_segments)`` are dropped.

        >>> ops.segment_sum(np.array([1, 2, 10, 20]), np.array([0, 0, 1, 1]), 2)  # [3, 30]
        """,
    # ---- nn -------------------------------------------------------------------------------
    "log_sigmoid": """Element-wise ``log(sigmoid(x)) = -softplus(-x)``, stable for large
        ``|x|``.""",
    "batch_normalization": """``x`` normalised by given statistics: ``(x - mean) /
        sqrt(variance + epsilon) * scale + offset``.

        ``mean``, ``variance`` and the optional ``offset`` and ``scale`` are 1-D, of the
        size of ``x``'s ``axis`` (the feature axis), and broadcast along it.
        """,
    "binary_crossentropy": """Element-wise binary cross-entropy between 0/1 ``target`` and
        ``output`` of the same shape.

        ``output`` holds probabilities (clipped to ``[epsilon, 1 - epsilon]`` against
        ``log(0)``) or, with ``from_logits=True``, logits (computed stably from them). No
        reduction: the result has ``target``'s shape.
        """,
    "categorical_crossentropy": """Cross-entropy between one-hot (or soft) ``target`` and
        ``output`` distributions over the classes on ``axis``.

        ``output`` holds probabilities (renormalised to sum to 1, then clipped against
        ``log(0)``) or, with ``from_logits=True``, logits (a stable log-softmax). The
        result drops ``axis``: one loss per sample.
        """,
    "sparse_categorical_crossentropy": """Cross-entropy between integer class ids
        ``target`` and ``output`` distributions over the classes on ``axis``.

        ``target`` has ``output``'s shape without ``axis`` (a trailing size-1 axis is
        accepted). ``output`` holds probabilities (clipped against ``log(0)``) or, with
        ``from_logits=True``, logits. One loss per sample.
        """,
    # ---- core -----------------------------------------------------------------------------
    "cast": """``x`` converted to ``dtype`` (a dtype name), as an engine tensor.""",
    "shape": """The shape of the engine tensor ``x``, as a tuple of ints.""",
    "convert_to_numpy": """``x`` (a tensor, variable or array-like) as a NumPy array on the
        host; a device tensor is copied back first.""",
    "cond": """``true_fn()`` if ``pred`` holds, else ``false_fn()``.

        ``pred`` is a boolean scalar (a Python bool or a tensor). Eagerly only the chosen
        branch runs; under a compiled step (``jax.jit``) both are traced and must return
        the same structure of shapes and dtypes.
        """,
    "scan": """Loop ``f`` over the leading axis of ``xs``, carrying a state.

        ``f(carry, x)`` returns ``(new_carry, y)``; the result is ``(final_carry, ys)``
        with the ``y``s stacked on a new leading axis. ``xs`` may be None with ``length``
        steps; ``reverse=True`` walks from the end (``ys`` still in input order);
        ``unroll`` is a hint to compiled engines.

        >>> ops.scan(lambda c, x: (c + x, c + x), 0.0, np.arange(4.0))  # (6.0, [0, 1, 3, 6])
        """,
    "fori_loop": """``val = body_fun(i, val)`` for ``i`` from ``lower`` to ``upper - 1``,
        starting from ``init_val``; returns the final ``val``. ``body_fun`` must keep
        ``val``'s structure, shapes and dtypes.""",
    # ---- random ---------------------------------------------------------------------------
    "normal": """Samples of the normal distribution with ``mean`` and ``stddev``, of
        ``shape`` and float ``dtype`` (default ``floatx()``).

        ``seed``: None (the global seed generator, which ``utils.set_random_seed`` resets),
        an int (the same draw each call) or a ``random.SeedGenerator`` (a new draw each
        call, repeatable from its seed; required inside a compiled step).
        """,
    "uniform": """Samples of the uniform distribution on ``[minval, maxval)``, of ``shape``
        and float ``dtype`` (default ``floatx()``). ``seed`` as in ``normal``.""",
    "randint": """Random integers uniform on ``[minval, maxval)``, of ``shape`` and integer
        ``dtype`` (default int32). ``seed`` as in ``normal``.""",
    "binomial": """Samples of the binomial distribution: successes in ``counts`` trials of
        probability ``probabilities`` (both broadcast to ``shape``), as float ``dtype``
        (default ``floatx()``). ``seed`` as in ``normal``.""",
    "gamma": """Samples of the gamma distribution with shape parameter ``alpha`` (and scale
        1), of ``shape`` and float ``dtype`` (default ``floatx()``). ``seed`` as in
        ``normal``.""",
    "categorical": """Class ids drawn from the categorical distributions given by
        ``logits`` (shape ``(batch, num_classes)``, unnormalised log-probabilities):
        ``num_samples`` per row, of shape ``(batch, num_samples)`` and integer ``dtype``.
        ``seed`` as in ``normal``.""",
    "dropout": """``inputs`` with each element zeroed with probability ``rate`` and the
        others scaled by ``1 / (1 - rate)``, so the expected value is unchanged.
        ``noise_shape`` (broadcastable to the input's) shares one draw along its size-1
        axes. ``seed`` as in ``normal``.""",
    "shuffle": """``x`` with its slices along ``axis`` in a random order (a permutation of
        that axis). ``seed`` as in ``normal``.""",
}


def document(*namespaces: types.ModuleType) -> None:
    """Give each name of ``DOCSTRINGS`` found in ``namespaces`` its table docstring, unless
    the object there was written in ``lamina.ops`` with a docstring of its own."""
    for namespace in namespaces:
        for name, text in DOCSTRINGS.items():
            value = getattr(namespace, name, None)
            if value is not None and _lent_by_engine(value):
                value.__doc__ = inspect.cleandoc(text)


def _lent_by_engine(value) -> bool:
    """Whether ``value`` is an engine's function, or an ``op`` wrapper with no docstring
    or the engine function's (an ``op(..., doc=...)`` has its own)."""
    source = inspect.unwrap(value)
    if not str(getattr(source, "__module__", "")).startswith("lamina.backend."):
        return False
    own = (value.__doc__ or "").strip()
    return value is source or not own or value.__doc__ == source.__doc__
