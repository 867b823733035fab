"""Lists and dicts assigned to a layer's attributes keep tracking what is added to them later."""

from __future__ import annotations


class TrackedList(list):
    def __init__(self, values, owner):
        super().__init__(values)
        self._owner = owner

    def append(self, value):
        self._owner._track(value)
        super().append(value)

    def extend(self, values):
        values = list(values)
        for value in values:
            self._owner._track(value)
        super().extend(values)

    def insert(self, index, value):
        self._owner._track(value)
        super().insert(index, value)


class TrackedDict(dict):
    def __init__(self, values, owner):
        super().__init__(values)
        self._owner = owner

    def __setitem__(self, key, value):
        self._owner._track(value)
        super().__setitem__(key, value)
