import pytest

import lamina as keras
from lamina import layers


def lines_of(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def nested_model():
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3, name="inner_dense")], name="inner")
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(4, name="first"), inner, layers.Dense(2, name="last")]
    )
    model.get_layer("first").trainable = False
    return model


def test_show_trainable_adds_a_column():
    model = nested_model()
    lines = lines_of(model, show_trainable=True)
    assert "Trainable" in lines[2]
    rows = {line.split()[1]: line for line in lines if line.startswith("│")}
    assert rows["first"].rstrip("│ ").endswith("N")
    assert rows["last"].rstrip("│ ").endswith("Y")
    assert "Trainable" not in lines_of(model)[2]


def test_expand_nested_lists_the_inner_layers():
    model = nested_model()
    assert not any("inner_dense" in line for line in lines_of(model))
    assert any("└ inner_dense (Dense)" in line for line in lines_of(model, expand_nested=True))


def test_layer_range_prints_a_slice():
    model = nested_model()
    text = "\n".join(lines_of(model, layer_range=("inner", "last")))
    assert "inner (Sequential)" in text
    assert "last (Dense)" in text
    assert "first (Dense)" not in text
    with pytest.raises(ValueError, match="do not match"):
        model.summary(print_fn=lambda line: None, layer_range=("nope", "last"))
    with pytest.raises(ValueError, match="length 2"):
        model.summary(print_fn=lambda line: None, layer_range=("first",))


def test_positions_and_line_length_set_the_columns():
    model = nested_model()
    table = lines_of(model, line_length=60, positions=[0.5, 0.8, 1.0])
    assert {len(line) for line in table[1:-4]} == {60}
    with pytest.raises(ValueError, match="Insufficient console width"):
        model.summary(print_fn=lambda line: None, line_length=20, positions=[0.1, 0.8, 1.0])


def test_unknown_summary_arguments_are_refused():
    with pytest.raises(TypeError):
        nested_model().summary(expand=True)
