from lamina.callbacks import CallbackList


def run_epochs(verbose, epochs=2, steps=3):
    callbacks = CallbackList([], add_progbar=True, verbose=verbose, epochs=epochs, steps=steps)
    callbacks.on_train_begin()
    for epoch in range(epochs):
        callbacks.on_epoch_begin(epoch)
        for step in range(steps):
            callbacks.on_train_batch_end(step, {"loss": 1.0 / (step + 1)})
        callbacks.on_test_begin()
        callbacks.on_test_batch_end(0, {"loss": 9.0})
        callbacks.on_test_end({"loss": 9.0})
        callbacks.on_epoch_end(epoch, {"loss": 0.5, "val_loss": 0.75})
    callbacks.on_train_end()


def test_verbose_2_prints_one_line_per_epoch(capsys):
    run_epochs(verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert lines[1].startswith("3/3 - ")
    assert lines[1].endswith("- loss: 0.5000 - val_loss: 0.7500")
    assert lines[2] == "Epoch 2/2"
    assert len(lines) == 4


def test_verbose_1_shows_given_values_not_reaveraged(capsys):
    run_epochs(verbose=1, epochs=1)
    out = capsys.readouterr().out
    last = out.rstrip("\n").splitlines()[-1]
    assert last.startswith("3/3 ━━━━━━━━━━━━━━━━━━━━")
    assert "loss: 0.5000 - val_loss: 0.7500" in last
    assert "9.0000" not in out  # validation inside fit draws no bar


def test_verbose_0_is_silent(capsys):
    run_epochs(verbose=0)
    assert capsys.readouterr().out == ""


def test_evaluate_outside_fit_draws_its_bar(capsys):
    callbacks = CallbackList([], add_progbar=True, verbose=2, epochs=1, steps=None)
    callbacks.on_test_begin()
    callbacks.on_test_batch_end(0, {"loss": 2.0})
    callbacks.on_test_batch_end(1, {"loss": 3.0})
    callbacks.on_test_end({"loss": 3.0})
    assert capsys.readouterr().out.startswith("2/2 - ")
