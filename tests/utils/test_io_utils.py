"""Interactive logging: progress to stdout by default, to the ``lamina`` logger when off."""

from __future__ import annotations

import logging

import lamina
from lamina.utils import Progbar


def test_progress_goes_to_the_logger_when_interactive_logging_is_off(capsys, caplog):
    assert lamina.config.is_interactive_logging_enabled()
    lamina.utils.disable_interactive_logging()
    try:
        assert not lamina.utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="lamina"):
            bar = Progbar(2)
            bar.update(2, values=[("loss", 0.5)])
        assert capsys.readouterr().out == ""
        assert any("loss: 0.5" in record.getMessage() for record in caplog.records)
    finally:
        lamina.config.enable_interactive_logging()
    Progbar(1).update(1)
    assert "1/1" in capsys.readouterr().out
