"""model_to_dot / plot_model draw the layer graph (pydot optional)."""

from __future__ import annotations

import pytest

import lamina
from lamina import layers, utils

pydot = pytest.importorskip("pydot", reason="pydot is optional")


def _model():
    inputs = lamina.Input((8,), name="features")
    left = layers.Dense(4, activation="relu", name="left")(inputs)
    right = layers.Dense(4, name="right")(inputs)
    merged = layers.Add(name="merge")([left, right])
    inner = lamina.Sequential(
        [lamina.Input((4,)), layers.Dense(2, name="inner_dense")], name="inner"
    )
    return lamina.Model(inputs, inner(merged), name="net")


def _edges(dot):
    labels = {n.get_name(): n.get("label") for n in dot.get_node_list() if n.get("label")}
    for sub in dot.get_subgraph_list():
        labels.update({n.get_name(): n.get("label") for n in sub.get_node_list()})
    pairs = set()
    edges = dot.get_edge_list() + [
        e for sub in dot.get_subgraph_list() for e in sub.get_edge_list()
    ]
    for edge in edges:
        pairs.add(
            (
                labels[edge.get_source()].split("\\n")[0],
                labels[edge.get_destination()].split("\\n")[0],
            )
        )
    return pairs


def test_model_to_dot_draws_every_layer_and_connection():
    dot = utils.model_to_dot(_model(), show_shapes=True, show_layer_activations=True)
    labels = [node.get("label") for node in dot.get_node_list() if node.get("label")]
    assert any(label.startswith("left (Dense)") and "Activation: relu" in label for label in labels)
    assert any("Output shape: (None, 4)" in label for label in labels)
    assert _edges(dot) == {
        ("features (InputLayer)", "left (Dense)"),
        ("features (InputLayer)", "right (Dense)"),
        ("left (Dense)", "merge (Add)"),
        ("right (Dense)", "merge (Add)"),
        ("merge (Add)", "inner (Sequential)"),
    }


def test_expand_nested_draws_the_inner_model_in_a_cluster():
    dot = utils.model_to_dot(_model(), expand_nested=True)
    clusters = dot.get_subgraph_list()
    assert len(clusters) == 1
    inner_labels = [n.get("label").split(" (")[0] for n in clusters[0].get_node_list()]
    assert "inner_dense" in inner_labels
    edges = {(a.split(" (")[0], b.split(" (")[0]) for a, b in _edges(dot)}
    inner_input = next(label for label in inner_labels if label != "inner_dense")
    assert ("merge", inner_input) in edges
    assert (inner_input, "inner_dense") in edges
    assert not any(b == "inner" for _, b in edges)


def test_plot_model_writes_dot_source(tmp_path):
    path = tmp_path / "model.dot"
    utils.plot_model(_model(), to_file=path, show_layer_names=True)
    text = path.read_text()
    assert text.startswith("digraph")
    assert "merge (Add)" in text


def test_unbuilt_model_and_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="not built"):
        utils.model_to_dot(lamina.Sequential([layers.Dense(2)]))
    with pytest.raises(ValueError, match="rankdir"):
        utils.model_to_dot(_model(), rankdir="XY")
    with pytest.raises(ValueError, match="unexpected keyword"):
        utils.model_to_dot(_model(), colour=True)
