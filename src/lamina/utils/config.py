"""``utils.Config``: a dict with attribute access that can be frozen (Keras's
``keras.utils.Config``), for experiment settings.

>>> config = Config(learning_rate=0.1, layers=[64, 64])
>>> config.momentum = 0.9
>>> config.freeze()
>>> config.learning_rate = 1.0  # raises ValueError: the config is frozen
"""

from __future__ import annotations

import json

_OWN = ("_values", "_frozen")


class Config:
    """Key/value settings read and written as ``config.key`` or ``config["key"]``."""

    def __init__(self, **kwargs):
        object.__setattr__(self, "_values", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        """Whether changes are refused."""
        return self._frozen

    def freeze(self) -> None:
        """Refuse every later change (set, update, pop, delete)."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self) -> None:
        """Allow changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_unfrozen(self, key=None) -> None:
        if self._frozen:
            what = f" (setting {key!r})" if key is not None else ""
            raise ValueError(f"Cannot change a frozen Config{what}; call unfreeze() first.")

    def as_dict(self) -> dict:
        """A shallow copy of the settings as a plain dict."""
        return dict(self._values)

    def to_json(self) -> str:
        return json.dumps(self._values)

    def keys(self):
        return self._values.keys()

    def values(self):
        return self._values.values()

    def items(self):
        return self._values.items()

    def get(self, keyname, value=None):
        return self._values.get(keyname, value)

    def pop(self, *args):
        self._check_unfrozen()
        return self._values.pop(*args)

    def update(self, *args, **kwargs):
        self._check_unfrozen()
        self._values.update(*args, **kwargs)

    def __getattr__(self, name):
        if name in _OWN:
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(
                f"Config has no entry {name!r}; it holds {sorted(self._values)}."
            ) from None

    def __setattr__(self, name, value):
        self._check_unfrozen(name)
        self._values[name] = value

    def __delattr__(self, name):
        self._check_unfrozen(name)
        del self._values[name]

    def __getitem__(self, key):
        return self._values[key]

    def __setitem__(self, key, value):
        self._check_unfrozen(key)
        self._values[key] = value

    def __delitem__(self, key):
        self._check_unfrozen(key)
        del self._values[key]

    def __contains__(self, key) -> bool:
        return key in self._values

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        state = "frozen " if self._frozen else ""
        return f"<{state}Config {self._values!r}>"
