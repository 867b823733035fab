"""Every Keras 3.15 public name exists in Lamina, namespace by namespace.

The names are facts kept in tests/keras_names.py (made by tools/keras_names/extract.py from
Keras's own export files: every ``keras.*`` namespace, ``top`` being ``keras`` itself). A
name may be absent only when it is listed below: owned by an open issue that builds it
(OWNED_ELSEWHERE, by exact name or by whole namespace), or not built yet by the data and
parity issues (PENDING, which must shrink to empty before issues 9 and 13 close; a listed
name that now exists fails too, so the list stays current:
`python tools/keras_names/pending.py --write` rewrites it).
"""

from __future__ import annotations

import types

import pytest

import lamina
from tests.keras_names import KERAS_NAMES

_NO_ISSUE = "no open issue builds it yet"
# "namespace.name" or "namespace" (the namespace and everything under it): the reason.
OWNED_ELSEWHERE = {
    "quantizers.AWQConfig": f"{_NO_ISSUE}: layer quantization (model.quantize)",
    "quantizers.Float8QuantizationConfig": f"{_NO_ISSUE}: layer quantization (model.quantize)",
    "quantizers.GPTQConfig": f"{_NO_ISSUE}: layer quantization (model.quantize)",
    "quantizers.Int4QuantizationConfig": f"{_NO_ISSUE}: layer quantization (model.quantize)",
    "quantizers.Int8QuantizationConfig": f"{_NO_ISSUE}: layer quantization (model.quantize)",
    "quantizers.QuantizationConfig": f"{_NO_ISSUE}: layer quantization (model.quantize)",
    "distillation": f"{_NO_ISSUE}: knowledge distillation",
    "top.distillation": f"{_NO_ISSUE}: knowledge distillation",
    "callbacks.OrbaxCheckpoint": f"{_NO_ISSUE}: Orbax (JAX) checkpoints",
    "config.is_nnx_enabled": f"{_NO_ISSUE}: Flax NNX layers",
}

# Names the open data (9) and parity (13) issues still have to build.
# BEGIN PENDING (regenerate: python tools/keras_names/pending.py --write)
PENDING: dict[str, list[str]] = {}
# END PENDING


def lamina_namespace(namespace: str):
    module = lamina
    if namespace == "top":
        return module
    for part in namespace.split("."):
        module = getattr(module, part)
    return module


def _sub_namespace(namespace: str, name: str) -> str:
    return name if namespace == "top" else f"{namespace}.{name}"


def owned_elsewhere(namespace: str, name: str) -> bool:
    parts = namespace.split(".")
    prefixes = {".".join(parts[: index + 1]) for index in range(len(parts))}
    return f"{namespace}.{name}" in OWNED_ELSEWHERE or bool(prefixes & set(OWNED_ELSEWHERE))


def has_name(namespace: str, name: str) -> bool:
    """True when Lamina's namespace holds ``name``; a submodule of the same name (say
    ``lamina.initializers.constant``) does not count unless Keras's name is a namespace
    too, and then it must be a module."""
    found = getattr(lamina_namespace(namespace), name, None)
    if found is None:
        return False
    is_module = isinstance(found, types.ModuleType)
    return is_module == (_sub_namespace(namespace, name) in KERAS_NAMES)


def _reachable(namespace: str) -> bool:
    try:
        lamina_namespace(namespace)
    except AttributeError:
        return False
    return True


def missing_names(namespace: str) -> list[str]:
    """Keras names absent from Lamina's namespace, apart from those owned elsewhere."""
    names = [name for name in KERAS_NAMES[namespace] if not owned_elsewhere(namespace, name)]
    if not _reachable(namespace):
        return names
    return [name for name in names if not has_name(namespace, name)]


@pytest.mark.parametrize("namespace", sorted(KERAS_NAMES))
def test_keras_names_exist(namespace):
    pending = set(PENDING.get(namespace, ()))
    missing = [name for name in missing_names(namespace) if name not in pending]
    assert not missing, f"lamina.{namespace} lacks Keras names {missing}"


@pytest.mark.parametrize("namespace", sorted(KERAS_NAMES))
def test_pending_names_are_still_missing(namespace):
    built = sorted(set(PENDING.get(namespace, ())) - set(missing_names(namespace)))
    assert not built, (
        f"lamina.{namespace} now has {built}: remove them from PENDING "
        "(python tools/keras_names/pending.py --write)"
    )


def test_exemptions_name_keras_names():
    listed = {
        f"{namespace}.{name}" for namespace, names in PENDING.items() for name in names
    }
    known = {f"{namespace}.{name}" for namespace, names in KERAS_NAMES.items() for name in names}
    assert not listed - known, f"not Keras 3.15 names: {sorted(listed - known)}"
    for key in OWNED_ELSEWHERE:
        assert key in known or key in KERAS_NAMES, f"not a Keras 3.15 name or namespace: {key}"


def test_name_table_is_sorted_and_unique():
    for namespace, names in KERAS_NAMES.items():
        assert names == sorted(set(names)), namespace
