"""Shorter tracebacks: an error raised inside ``fit``/``evaluate``/``predict`` is shown
without the frames of Lamina's own source, so the user's line and the message stand out
(Keras's traceback filtering, on by default). ``config.disable_traceback_filtering()``
shows every frame again, for debugging Lamina itself."""

from __future__ import annotations

import functools
import os
import types

_LAMINA_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_ENABLED = True


def enable_traceback_filtering() -> None:
    """Hide Lamina's internal frames in tracebacks of errors raised in its entry points."""
    global _ENABLED
    _ENABLED = True


def disable_traceback_filtering() -> None:
    """Show full tracebacks, Lamina's internal frames included."""
    global _ENABLED
    _ENABLED = False


def is_traceback_filtering_enabled() -> bool:
    """True when errors from Lamina's entry points hide its internal frames (the default)."""
    return _ENABLED


def _is_internal(frame) -> bool:
    return os.path.abspath(frame.f_code.co_filename).startswith(_LAMINA_ROOT + os.sep)


def _filtered(traceback):
    """The traceback without Lamina's frames (the last frame is kept if all are Lamina's,
    so the place that raised is never lost)."""
    kept = []
    node = traceback
    while node is not None:
        kept.append(node)
        node = node.tb_next
    outside = [node for node in kept if not _is_internal(node.tb_frame)]
    if not outside:
        outside = kept[-1:]
    rebuilt = None
    for node in reversed(outside):
        rebuilt = types.TracebackType(rebuilt, node.tb_frame, node.tb_lasti, node.tb_lineno)
    return rebuilt


def filter_traceback(function):
    """Decorate a public entry point so its errors come with the filtered traceback (the
    exception object, message and cause are the original ones)."""

    @functools.wraps(function)
    def entry_point(*args, **kwargs):
        if not _ENABLED:
            return function(*args, **kwargs)
        try:
            return function(*args, **kwargs)
        except Exception as error:
            filtered = _filtered(error.__traceback__)
            cause = error.__cause__
            if cause is None:
                raise error.with_traceback(filtered) from None
            raise error.with_traceback(filtered) from cause

    return entry_point
