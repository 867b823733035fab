import pytest

from lamina import backend
from lamina.utils.progbar import Progbar


def last_line(text):
    return text.rstrip("\n").splitlines()[-1]


def test_bar_line_looks_like_keras(capsys):
    bar = Progbar(4, interval=0)
    for step in range(1, 5):
        bar.update(step, [("loss", 1.0 / step)])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("1/4 ━━━━━                ")
    final = lines[-1]
    assert final.startswith("4/4 ━━━━━━━━━━━━━━━━━━━━ 0s ")
    assert "/step - loss: " in final


def test_non_stateful_values_are_averaged_by_steps(capsys):
    bar = Progbar(4, interval=0)
    bar.update(1, [("loss", 4.0)])
    bar.update(3, [("loss", 1.0)])  # covers two steps
    bar.update(4, [("loss", 0.0)])
    assert last_line(capsys.readouterr().out).endswith("loss: 1.5000")  # (4 + 2 + 0) / 4


def test_stateful_values_are_shown_as_given(capsys):
    bar = Progbar(2, interval=0, stateful_metrics=["accuracy"])
    bar.update(1, [("accuracy", 0.5)])
    bar.update(2, [("accuracy", 0.25)])
    assert last_line(capsys.readouterr().out).endswith("accuracy: 0.2500")


def test_small_values_use_scientific_notation(capsys):
    Progbar(1, interval=0, stateful_metrics=["loss"]).update(1, [("loss", 1e-5)])
    assert "loss: 1.0000e-05" in capsys.readouterr().out


def test_interval_throttles_all_but_the_final_update(capsys):
    bar = Progbar(100, interval=60)
    bar.update(1)  # first draw: last update was at time 0
    for step in range(2, 100):
        bar.update(step)
    assert len(capsys.readouterr().out.splitlines()) == 1
    bar.update(100)
    assert capsys.readouterr().out.startswith("100/100")


def test_verbose_2_prints_only_at_the_end(capsys):
    bar = Progbar(3, verbose=2, stateful_metrics=["loss"])
    bar.update(1, [("loss", 0.5)])
    assert capsys.readouterr().out == ""
    bar.update(3, [("loss", 0.25)])
    out = capsys.readouterr().out
    assert out.startswith("3/3 - 0s - ")
    assert out.endswith("/step - loss: 0.2500\n")


def test_unknown_target_and_add(capsys):
    bar = Progbar(None, interval=0)
    bar.add(2, [("loss", 1.0)])
    bar.add(1, [("loss", 1.0)])
    assert last_line(capsys.readouterr().out).startswith("3/Unknown")


@pytest.mark.parametrize("finalize", [False, True])
def test_device_tensors_are_converted_when_drawn(capsys, finalize):
    bar = Progbar(2, interval=0)
    bar.update(1, [("loss", backend.convert_to_tensor(2.0))], finalize=finalize)
    assert "loss: 2.0000" in capsys.readouterr().out


def test_eta_formats():
    from lamina.utils.progbar import _format_eta, _format_time_per_unit

    assert _format_eta(5) == "5s"
    assert _format_eta(125) == "2:05"
    assert _format_eta(3725) == "1:02:05"
    assert _format_time_per_unit(0.007, "step") == "7ms/step"
    assert _format_time_per_unit(2.0, "step") == "2s/step"
    assert _format_time_per_unit(5e-6, "sample") == "5us/sample"
