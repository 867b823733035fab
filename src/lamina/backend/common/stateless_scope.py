"""``StatelessScope``: run layer code on swapped-in variable values, touching no variable.

Inside ``with StatelessScope(state_mapping=[(variable, value), ...]) as scope:`` a read of a
mapped variable returns its mapped value (others fall through to an enclosing scope, then to
the variable itself) and every assignment is recorded in the scope instead of the variable:
``scope.get_current_value(variable)`` reads it back. Every engine's ``Variable`` asks the
scope on reads and writes, but only while some scope is open (``scopes_open``, a module
counter): outside one, a variable read costs one integer test.
"""

from __future__ import annotations

import threading

_local = threading.local()
scopes_open = 0  # scopes open in any thread; the hot path tests this before the stack


def _stack() -> list:
    stack = getattr(_local, "scopes", None)
    if stack is None:
        stack = _local.scopes = []
    return stack


def current_scope():
    """The innermost open scope of this thread, or None."""
    stack = getattr(_local, "scopes", None)
    return stack[-1] if stack else None


def in_stateless_scope() -> bool:
    return current_scope() is not None


class StatelessScope:
    """Variables read the values given in ``state_mapping`` and write into the scope.

    Args:
        state_mapping: (variable, value) pairs; inside the scope each variable reads as its
            value (same shape, cast to the variable's dtype).
        collect_losses: when True, ``Layer.add_loss`` inside the scope appends to
            ``scope.losses`` instead of the layer.
        initialize_variables: variables created inside the scope are initialized when they
            are created (True, the only mode Lamina has).

    Example:
        >>> with lamina.StatelessScope(state_mapping=[(layer.kernel, new_kernel)]) as scope:
        ...     outputs = layer(x)  # computed with new_kernel; layer.kernel unchanged
    """

    def __init__(self, state_mapping=None, collect_losses=False, initialize_variables=True):
        if not initialize_variables:
            raise NotImplementedError(
                "StatelessScope(initialize_variables=False) is not supported: Lamina "
                "initializes a variable when it is created. Create variables outside the "
                "scope, or leave initialize_variables=True."
            )
        self.collect_losses = bool(collect_losses)
        self.initialize_variables = True
        self.losses: list = []
        self._values: dict[int, object] = {}
        self._written: dict[int, object] = {}
        from lamina.backend.common.variables import KerasVariable  # it imports this module

        for pair in state_mapping or ():
            variable, value = pair
            if not isinstance(variable, KerasVariable):
                raise ValueError(
                    "StatelessScope(state_mapping=...) expects (Variable, value) pairs; "
                    f"received a key of type {type(variable).__name__}."
                )
            value = variable._engine.core.convert_to_tensor(value, dtype=variable.dtype)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"StatelessScope: variable {variable.path!r} has shape {variable.shape}; "
                    f"received a value of shape {tuple(value.shape)}."
                )
            self._values[id(variable)] = value
        self._parent = None

    def __enter__(self):
        global scopes_open
        stack = _stack()
        self._parent = stack[-1] if stack else None
        stack.append(self)
        scopes_open += 1
        return self

    def __exit__(self, *exc):
        global scopes_open
        _stack().pop()
        scopes_open -= 1
        return False

    def lookup(self, variable):
        """The value ``variable`` has in this scope, or None to read the variable itself."""
        value = self._values.get(id(variable))
        if value is not None:
            return value
        return None if self._parent is None else self._parent.lookup(variable)

    def record(self, variable, value) -> None:
        self._values[id(variable)] = value
        self._written[id(variable)] = variable

    def add_update(self, update) -> None:
        """Records ``(variable, value)`` as if assigned inside the scope (Keras's hook)."""
        variable, value = update
        self.record(variable, variable._engine.core.convert_to_tensor(value, variable.dtype))

    def add_loss(self, loss) -> None:
        self.losses.append(loss)

    def get_current_value(self, variable):
        """The value ``variable`` was given or assigned in this scope, or None."""
        return self._values.get(id(variable))

    def updates(self) -> list:
        """(variable, new value) for every variable assigned inside the scope."""
        return [(variable, self._values[key]) for key, variable in self._written.items()]


def read(variable, value):
    """``variable``'s value as the open scope sees it (``value`` is the variable's own)."""
    scope = current_scope()
    if scope is None:
        return value
    scoped = scope.lookup(variable)
    return value if scoped is None else scoped


def intercept_write(variable, value) -> bool:
    """Records ``value`` for ``variable`` in the open scope; False when no scope is open in
    this thread (the caller then writes the variable)."""
    scope = current_scope()
    if scope is None:
        return False
    scope.record(variable, value)
    return True
