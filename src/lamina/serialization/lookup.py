"""One mechanism for ``losses.get``, ``metrics.get`` and friends: a name, a config dict or an
object becomes the object, and an unknown name gets an error listing close valid names."""

from __future__ import annotations

import difflib
import inspect


def unknown_name_error(kind: str, name: str, valid_names) -> ValueError:
    """ValueError naming ``kind``, the unknown ``name``, close matches and the valid names."""
    names = sorted(valid_names)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    if not close:  # a case-insensitive second chance: "meansquarederror"
        lowered = {candidate.lower(): candidate for candidate in names}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), lowered, n=3)]
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"Unknown {kind}: {name!r}.{hint} Valid names: {', '.join(names)}.")


def get_object(identifier, table: dict, deserialize, kind: str, type_name: str):
    """None → None; a name in ``table`` → the function, or a new instance of the class; a
    config dict → ``deserialize(identifier)``; a class is instantiated; a callable is
    returned as it is."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        found = table.get(identifier)
        if found is None:
            raise unknown_name_error(kind, identifier, table)
    elif isinstance(identifier, dict):
        found = deserialize(identifier)
    else:
        found = identifier
    if inspect.isclass(found):
        return found()
    if callable(found):
        return found
    raise ValueError(
        f"Could not interpret {kind} identifier: expected a name, a config dict, a "
        f"{type_name} or a callable; received {identifier!r}."
    )
