"""Input signatures: what each kind of model exports with, and each spec form accepted."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export.input_signature import (
    get_input_signature,
    make_input_spec,
    specs_from_json,
    specs_to_json,
    standardize_input_signature,
)


def _shapes(signature):
    return [
        {key: (spec.shape, spec.dtype) for key, spec in entry.items()}
        if isinstance(entry, dict)
        else [(s.shape, s.dtype) for s in entry]
        if isinstance(entry, list)
        else (entry.shape, entry.dtype)
        for entry in signature
    ]


def test_sequential_signature_frees_the_batch_axis():
    model = lamina.Sequential([lamina.Input((4, 2), batch_size=8), layers.Dense(3)])
    assert _shapes(get_input_signature(model)) == [((None, 4, 2), "float32")]


def test_functional_signature_keeps_the_input_structure():
    a, b = lamina.Input((3,), name="a"), lamina.Input((2,), dtype="int32", name="b")
    outputs = layers.Concatenate()([a, lamina.ops.cast(b, "float32")])
    listed = lamina.Model([a, b], outputs)
    assert _shapes(get_input_signature(listed)) == [[((None, 3), "float32"), ((None, 2), "int32")]]
    keyed = lamina.Model({"a": a, "b": b}, outputs)
    assert _shapes(get_input_signature(keyed)) == [
        {"a": ((None, 3), "float32"), "b": ((None, 2), "int32")}
    ]
    assert get_input_signature(listed)[0][0].name == "a"


class _Doubler(lamina.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs) * 2


def test_subclassed_model_signature_comes_from_its_first_call():
    model = _Doubler()
    with pytest.raises(ValueError, match="has not been built yet"):
        get_input_signature(model)
    model(np.ones((5, 3), "float32"))
    assert _shapes(get_input_signature(model)) == [((None, 3), "float32")]


def test_signature_needs_a_model():
    with pytest.raises(TypeError, match="needs a lamina Model; received"):
        get_input_signature(layers.Dense(2))


def test_spec_forms(rng):
    tensor = lamina.ops.convert_to_tensor(rng.standard_normal((4, 3)).astype("float32"))
    assert make_input_spec(tensor).shape == (None, 3)
    symbolic = lamina.Input((5,), dtype="int32", name="ids")
    spec = make_input_spec(symbolic)
    assert (spec.shape, spec.dtype, spec.name) == ((None, 5), "int32", "ids")
    fixed = make_input_spec(lamina.InputSpec(shape=(2, 3), dtype="float32"))
    assert fixed.shape == (2, 3)  # an InputSpec may fix the batch size
    with pytest.raises(TypeError, match=r"received \[1, 2\] of type list"):
        make_input_spec([1, 2])


def test_standardize_wraps_a_single_spec_and_keeps_structures():
    spec = lamina.InputSpec(shape=(None, 3), dtype="float32")
    assert len(standardize_input_signature(spec)) == 1
    nested = standardize_input_signature([{"x": spec, "y": spec}, spec])
    assert set(nested[0]) == {"x", "y"}
    assert nested[1].shape == (None, 3)


def test_specs_travel_as_json():
    signature = standardize_input_signature(
        [{"x": lamina.InputSpec(shape=(None, 3), dtype="float16", name="x")}]
    )
    restored = specs_from_json(specs_to_json(signature))
    spec = restored[0]["x"]
    assert (spec.shape, spec.dtype, spec.name) == ((None, 3), "float16", "x")
