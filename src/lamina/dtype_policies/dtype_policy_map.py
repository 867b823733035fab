"""DTypePolicyMap: dtype policies keyed by layer path (exact, else a regex full match)."""

from __future__ import annotations

import re
from collections.abc import MutableMapping

from lamina.dtype_policies.dtype_policy import DTypePolicy


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """A mapping from layer paths to ``DTypePolicy`` objects, itself a policy (its default's).

    A key is looked up exactly first, then as a regular expression that must match the whole
    path (``"encoder/.*"``); a path matching several patterns is an error, one matching none
    gets ``default_policy`` (the global policy when None).

    >>> policies = DTypePolicyMap("float32", {"encoder/.*": "bfloat16"})
    >>> policies["encoder/dense"].name, policies["decoder"].name
    ('bfloat16', 'float32')
    """

    def __init__(self, default_policy=None, policy_map=None):
        from lamina.dtype_policies.lookup import get

        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("`default_policy` cannot be a `DTypePolicyMap`.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(
                "If specified, `policy_map` must be a dict. Received: "
                f"policy_map={policy_map!r} of type {type(policy_map).__name__}"
            )
        self._default_policy_arg = default_policy
        self._default_policy = get(default_policy)
        self._policy_map: dict = {}
        for key, policy in (policy_map or {}).items():
            self[key] = policy
        self._quantization_mode = None

    @property
    def name(self) -> str:
        return f"map_{self.default_policy.name}"

    @property
    def default_policy(self) -> DTypePolicy:
        return self._default_policy

    @property
    def compute_dtype(self) -> str:
        return self._default_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._default_policy.variable_dtype

    def __getitem__(self, key):
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path {key!r} matches multiple dtype policy specification keys: {matches}. "
                "Each path may match at most one key of the DTypePolicyMap."
            )
        return self._policy_map[matches[0]] if matches else self.default_policy

    def __setitem__(self, key, policy) -> None:
        from lamina.dtype_policies.lookup import get

        if key in self._policy_map:
            raise ValueError(
                f"{key!r} is already in the DTypePolicyMap with value "
                f"{self._policy_map[key]}; keys must not repeat."
            )
        try:
            policy = get(policy)
        except (TypeError, ValueError) as error:
            raise ValueError(
                "DTypePolicyMap: cannot interpret the assigned value as a dtype policy. "
                f"Received: {policy!r} of type {type(policy).__name__} ({error})"
            ) from None
        self._policy_map[key] = policy

    def __delitem__(self, key) -> None:
        del self._policy_map[key]

    def __contains__(self, key) -> bool:
        return key in self._policy_map

    def __len__(self) -> int:
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, DTypePolicyMap)
            and self._default_policy == other._default_policy
            and self._policy_map == other._policy_map
        )

    __hash__ = None  # type: ignore[assignment]  # a mutable mapping

    def get_config(self) -> dict:
        from lamina.dtype_policies.lookup import serialize

        default = self._default_policy_arg
        return {
            "default_policy": serialize(default) if isinstance(default, DTypePolicy) else default,
            "policy_map": {key: serialize(value) for key, value in self._policy_map.items()},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.dtype_policies.lookup import deserialize

        config = dict(config)
        config["policy_map"] = {
            key: deserialize(value, custom_objects=custom_objects)
            for key, value in (config.get("policy_map") or {}).items()
        }
        return cls(**config)

    def __repr__(self) -> str:
        mapping = [(key, value.name) for key, value in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={self._default_policy.name}, mapping={mapping}>"


__all__ = ["DTypePolicyMap"]
