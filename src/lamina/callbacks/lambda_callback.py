"""LambdaCallback: a callback made of plain functions, written inline."""

from __future__ import annotations

from lamina.callbacks.callback import Callback

_HOOKS = frozenset(name for name in dir(Callback) if name.startswith("on_"))


class LambdaCallback(Callback):
    """Builds a callback from functions, one per hook.

    ``on_epoch_begin``/``on_epoch_end`` take ``(epoch, logs)``, ``on_train_begin``/
    ``on_train_end`` take ``(logs)``, ``on_train_batch_begin``/``on_train_batch_end`` take
    ``(batch, logs)``; any other hook (``on_test_end=...``) may be passed by keyword.

    Example:

    ```python
    print_epoch = lamina.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: print(epoch, float(logs["loss"]))
    )
    ```
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        unknown = sorted(set(kwargs) - _HOOKS)
        if unknown:
            raise ValueError(
                f"LambdaCallback received unknown hook(s) {unknown}; expected names among "
                f"{sorted(_HOOKS)}."
            )
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
            **kwargs,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)


__all__ = ["LambdaCallback"]
