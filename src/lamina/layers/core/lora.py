"""LoRA (low-rank adaptation) for the layers whose main weight is one matrix-like table.

``enable_lora(rank)`` freezes the layer's base weight ``W`` and adds two trainable factors
``A`` (``W.shape[:-1] + (rank,)``) and ``B`` (``(rank, W.shape[-1])``); the layer then
computes with ``W + (lora_alpha / rank) * A @ B``. ``B`` starts at zero, so enabling LoRA
does not change the outputs. As in Keras, a saved file holds the merged ``W`` only (the
factors are folded in), and loading one assigns it to ``W`` and zeroes the factors: the
file loads into a layer with or without LoRA and computes the same.
"""

from __future__ import annotations

from lamina import initializers, ops


class LoraMixin:
    """Shared by Dense, EinsumDense and Embedding. A subclass names its base weight's
    attribute (``_lora_base``, holding the frozen variable) and the factor variables'
    names (``_lora_factor_names``); its public weight property calls ``_lora_weight``."""

    _lora_base = "_kernel"
    _lora_factor_names = ("lora_kernel_a", "lora_kernel_b")
    _lora_constraint_attribute = "kernel_constraint"
    _lora_regularizer_attribute = "kernel_regularizer"

    def _init_lora(self, lora_rank, lora_alpha):
        if lora_rank is not None and (
            isinstance(lora_rank, bool) or not isinstance(lora_rank, int) or lora_rank < 1
        ):
            raise ValueError(
                f"{type(self).__name__}: lora_rank must be a positive integer or None; "
                f"received lora_rank={lora_rank!r}."
            )
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _enable_lora_after_build(self):
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the base weight and train a rank-``rank`` update scaled by
        ``lora_alpha / rank`` (``lora_alpha`` defaults to ``rank``)."""
        name = type(self).__name__
        if getattr(self, self._lora_constraint_attribute, None) is not None:
            raise ValueError(
                f"{name}: LoRA cannot be enabled on a layer with a "
                f"{self._lora_constraint_attribute}; remove it first."
            )
        if not self.built:
            raise ValueError(f"{name}: enable_lora needs a built layer; call build() first.")
        if self.lora_enabled:
            raise ValueError(f"{name}: LoRA is already enabled on layer {self.name!r}.")
        if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
            raise ValueError(f"{name}: rank must be a positive integer; received rank={rank!r}.")
        base = getattr(self, self._lora_base)
        shape = tuple(base.shape)
        regularizer = getattr(self, self._lora_regularizer_attribute, None)
        first, second = self._lora_factor_names
        factor_a = self.add_weight(
            name=first,
            shape=(*shape[:-1], rank),
            initializer=initializers.get(a_initializer),
            dtype="float32",  # as Keras: the factors train in float32 whatever the policy
            regularizer=regularizer,
        )
        factor_b = self.add_weight(
            name=second,
            shape=(rank, shape[-1]),
            initializer=initializers.get(b_initializer),
            dtype="float32",
            regularizer=regularizer,
        )
        setattr(self, first, factor_a)
        setattr(self, second, factor_b)
        base.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    @property
    def _custom_variable_io(self) -> bool:
        """Saving goes through save/load_own_variables only while LoRA is on (to fold the
        factors into the base weight); otherwise the layer's variables are saved as usual."""
        return bool(getattr(self, "lora_enabled", False))

    def _lora_weight(self):
        """The base weight, with the LoRA update added when LoRA is on."""
        base = getattr(self, self._lora_base)
        if not getattr(self, "lora_enabled", False):
            return base
        first, second = self._lora_factor_names
        update = ops.matmul(getattr(self, first), getattr(self, second))
        merged = ops.add(base, ops.multiply(update, self.lora_alpha / self.lora_rank))
        return ops.cast(merged, self.compute_dtype)

    def _lora_saved_variables(self):
        """(variable, value) pairs a file holds: the merged base weight in the base's
        place, the factors left out."""
        factors = {id(getattr(self, name)) for name in self._lora_factor_names}
        base = getattr(self, self._lora_base)
        pairs = []
        for variable in self._trainable_variables + self._non_trainable_variables:
            if id(variable) in factors:
                continue
            pairs.append((variable, self._lora_weight() if variable is base else variable))
        return pairs

    def save_own_variables(self, store) -> None:
        if not self.lora_enabled:
            super().save_own_variables(store)  # type: ignore[misc]
            return
        for index, (_, value) in enumerate(self._lora_saved_variables()):
            store[str(index)] = ops.convert_to_numpy(value)

    def load_own_variables(self, store) -> None:
        if not self.lora_enabled:
            super().load_own_variables(store)  # type: ignore[misc]
            return
        pairs = self._lora_saved_variables()
        if len(store.keys()) != len(pairs):
            raise ValueError(
                f"Layer {getattr(self, 'name', '?')!r} (LoRA enabled) expected {len(pairs)} "
                f"saved variables, but the saved state holds {len(store.keys())}: "
                f"{sorted(store.keys())[:10]}."
            )
        for index, (variable, _) in enumerate(pairs):
            variable.assign(store[str(index)])
        for name in self._lora_factor_names:
            factor = getattr(self, name)
            factor.assign(ops.zeros(factor.shape, dtype=factor.dtype))

    def _lora_config(self) -> dict:
        if not self.lora_rank:
            return {}
        return {"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha}
