"""Where progress messages go: stdout while interactive logging is on (the default), the
``lamina`` Python logger otherwise (Keras's ``enable/disable_interactive_logging``)."""

from __future__ import annotations

import logging
import sys

_INTERACTIVE = True


def enable_interactive_logging() -> None:
    """Progress bars and messages write to stdout (the default)."""
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging() -> None:
    """Progress messages go to the ``lamina`` logger at INFO level instead of stdout (for
    jobs whose output is collected by a log system)."""
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled() -> bool:
    """True when progress bars and messages go to stdout (the default), False when to the
    ``lamina`` logger.
    """
    return _INTERACTIVE


def print_msg(message: str, line_break: bool = True) -> None:
    """Write ``message`` as interactive logging says."""
    if _INTERACTIVE:
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    else:
        logging.getLogger("lamina").info(message.strip("\r\n\b"))
