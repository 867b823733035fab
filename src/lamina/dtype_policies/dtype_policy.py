"""DTypePolicy: which dtype a layer computes in and which dtype its variables are stored in.

``"float32"`` (any dtype name) uses one dtype for both; ``"mixed_float16"`` and
``"mixed_bfloat16"`` keep float32 variables and compute in the 16-bit type (Keras 3's mixed
precision). The process-wide default is ``set_dtype_policy`` / ``dtype_policy``.
"""

from __future__ import annotations

from lamina import backend
from lamina.backend import KerasTensor, global_state

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


class DTypePolicy:
    """A layer's compute and variable dtypes, named as in Keras 3.

    Args:
        name: ``"mixed_float16"`` or ``"mixed_bfloat16"`` (compute in the 16-bit type, keep
            float32 variables), or any dtype name such as ``"float32"`` (both that dtype).
            None takes the global policy's name (``lamina.config.dtype_policy()``).

    >>> policy = DTypePolicy("mixed_bfloat16")
    >>> policy.compute_dtype, policy.variable_dtype
    ('bfloat16', 'float32')
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)
        self._quantization_mode = None

    def _parse_name(self, name) -> tuple[str, str]:
        if not isinstance(name, str):
            raise TypeError(
                "DTypePolicy: 'name' must be a string, such as 'mixed_float16'. "
                f"Received: name={name!r} (of type {type(name).__name__})"
            )
        if name in _MIXED:
            return _MIXED[name], "float32"
        try:
            dtype = backend.standardize_dtype(name)
        except ValueError:
            raise ValueError(
                f"Cannot convert {name!r} to a DTypePolicy: expected 'mixed_float16', "
                "'mixed_bfloat16' or a dtype name such as 'float32'."
            ) from None
        return dtype, dtype

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        """The dtype of a layer's inputs, computations and outputs."""
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype a layer's variables are created and stored in."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """None: Lamina has no quantized policies yet."""
        return self._quantization_mode

    def convert_input(self, x, autocast, dtype):
        """``x`` cast to ``dtype`` when ``autocast`` is on and ``x`` is floating; integer
        and boolean inputs, and anything that is not an array, are left as they are."""
        dtype = backend.standardize_dtype(dtype)
        if isinstance(x, KerasTensor):
            if autocast and x.dtype != dtype and backend.is_float_dtype(x.dtype):
                return KerasTensor(x.shape, dtype=dtype, sparse=x.sparse, name=x.name)
            return x
        if not (backend.engine.core.is_tensor(x) or hasattr(x, "__array__")):
            return x
        if not autocast:
            return backend.convert_to_tensor(x)
        return backend.engine.core.autocast(x, dtype)

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self) -> str:
        class_name = "DTypePolicy" if type(self) is FloatDTypePolicy else type(self).__name__
        return f'<{class_name} "{self._name}">'

    def __eq__(self, other) -> bool:
        plain = (DTypePolicy, FloatDTypePolicy)
        if type(self) in plain:
            if type(other) not in plain:
                return False
        elif type(other) is not type(self):
            return False
        return self._name == other._name

    def __hash__(self) -> int:
        return hash(self._name)


class FloatDTypePolicy(DTypePolicy):
    """Keras 3's other name for ``DTypePolicy``."""


# ---- the global policy ------------------------------------------------------------------

_floatx_policies: dict = {}


def set_dtype_policy(policy) -> None:
    """Sets the default policy of layers made from now on (``"mixed_bfloat16"``, …).

    >>> set_dtype_policy("mixed_bfloat16")  # doctest: +SKIP
    """
    if isinstance(policy, str):
        from lamina.dtype_policies.lookup import get

        policy = get(policy)
    if not isinstance(policy, DTypePolicy):
        raise ValueError(
            "Invalid `policy` argument: expected the name of a policy (such as "
            f"'mixed_float16') or a DTypePolicy instance. Received: policy={policy!r} "
            f"(of type {type(policy).__name__})"
        )
    global_state.set_dtype_policy(policy)


def dtype_policy() -> DTypePolicy:
    """The default policy of new layers: the one set by ``set_dtype_policy`` (until
    ``clear_session``, as in Keras), else a policy named after ``floatx()``."""
    policy = global_state.get_dtype_policy()
    if policy is not None:
        return policy
    floatx = backend.floatx()
    policy = _floatx_policies.get(floatx)
    if policy is None:
        policy = _floatx_policies[floatx] = DTypePolicy(floatx)
    return policy


__all__ = ["DTypePolicy", "FloatDTypePolicy", "dtype_policy", "set_dtype_policy"]
