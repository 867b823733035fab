"""A layer's dtype policy and what it does to a call: the mixin ``Layer`` takes them from.

As Keras: floating inputs are cast to the compute dtype as they enter ``__call__`` (a float64
NumPy array included: ``ops.convert_to_tensor`` keeps it float64, a layer does not), and
``call`` runs in an autocast scope that reads float variables in the compute dtype when the
policy mixes precisions.
"""

from __future__ import annotations

from lamina import backend
from lamina.backend import KerasTensor, global_state
from lamina.backend.common import tree
from lamina.backend.common.masking import get_keras_mask, set_keras_mask
from lamina.dtype_policies import DTypePolicyMap, get as get_dtype_policy

_core = backend.engine.core
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")


class LayerDTypes:
    """The dtype half of ``Layer``: its policy's dtypes and the casts they imply."""

    @property
    def dtype_policy(self):
        """The layer's ``DTypePolicy`` (settable with a policy, a name or a dtype)."""
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._set_dtype_policy(get_dtype_policy(value))

    def _set_dtype_policy(self, policy) -> None:
        self._dtype_policy = policy
        # A DTypePolicyMap applies its default here: Lamina layers have no creation path to
        # look up (Keras reads the map at ``layer.path``).
        if isinstance(policy, DTypePolicyMap):
            policy = policy.default_policy
        # Read on every call: kept as plain strings.
        self._compute_dtype = policy.compute_dtype
        self._variable_dtype = policy.variable_dtype

    @property
    def dtype(self) -> str:
        """The variable dtype (as Keras: ``layer.dtype`` is ``layer.variable_dtype``)."""
        return self._variable_dtype

    @property
    def variable_dtype(self) -> str:
        """The dtype of the layer's weights, from its dtype policy (``"float32"`` by default)."""
        return self._variable_dtype

    @property
    def compute_dtype(self) -> str:
        """The dtype the layer computes in, from its dtype policy (``"float16"`` under
        ``mixed_float16``, where weights stay float32).
        """
        return self._compute_dtype

    @property
    def input_dtype(self) -> str:
        """The dtype floating inputs are cast to (the compute dtype)."""
        return self._compute_dtype

    # ---- inputs and autocasting ---------------------------------------------------------

    def _convert_inputs(self, inputs):
        if type(inputs) is KerasTensor or not self.autocast:
            return inputs
        if backend.is_string_array(inputs):
            if self._layers:
                return inputs  # a model or container: its own layers take or refuse text
            raise TypeError(
                f"Layer {self.name!r} ({type(self).__name__}) received a string array (dtype "
                f"{inputs.dtype}) but takes numbers. Turn text into numbers first with a "
                "string layer (StringLookup, TextVectorization, Hashing)."
            )
        if tree.is_nested(inputs):
            return tree.map_structure(self._convert_inputs, inputs)
        converted = _core.autocast(inputs, self._compute_dtype)
        if converted is not inputs:
            mask = get_keras_mask(inputs)
            if mask is not None:
                set_keras_mask(converted, mask)  # a cast must not drop the input's mask
        return converted

    def _symbolic_input(self, x):
        """A floating KerasTensor as ``_convert_inputs`` would make it (for the output spec)."""
        if (
            type(x) is KerasTensor
            and x.dtype != self._compute_dtype
            and x.dtype in FLOAT_DTYPES
            and self._compute_dtype in FLOAT_DTYPES
        ):
            return KerasTensor(x.shape, dtype=self._compute_dtype, sparse=x.sparse, name=x.name)
        return x

    def _autocast_target(self):
        """The autocast scope ``call`` runs in, as Keras: None keeps the current one; "" turns
        autocasting off; a dtype opens a scope that reads variables in it (mixed policies)."""
        current = global_state.autocast_dtype()
        compute = self._compute_dtype
        if current is None:
            return compute if compute != self._variable_dtype else None
        if not self.autocast or compute not in FLOAT_DTYPES:
            return "" if current else None
        return compute if current != compute else None


__all__ = ["FLOAT_DTYPES", "LayerDTypes"]
