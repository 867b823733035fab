"""``utils.model_to_dot`` / ``utils.plot_model``: a model's layer graph as a Graphviz
diagram. pydot (and, to render images, the Graphviz programs) are optional: a clear
ImportError says what to install when they are missing. A ``.dot`` target is written as
Graphviz source and needs pydot only."""

from __future__ import annotations

import os

from lamina.utils import io_utils

_INSTALL = (
    "plot_model needs pydot (pip install pydot) and, to render images, Graphviz "
    "(https://graphviz.org/download/)"
)


def _pydot():
    try:
        import pydot
    except ImportError as error:
        raise ImportError(f"{_INSTALL}; pydot is not installed.") from error
    return pydot


def _graph_nodes(model):
    """The call nodes of a built Sequential / Functional model, in execution order; None
    for a model without a layer graph (subclassed)."""
    from lamina.models.functional import _map_graph  # floor 5; utils draws models

    outputs = getattr(model, "outputs", None)
    if not outputs or any(getattr(t, "_keras_history", None) is None for t in outputs):
        return None
    nodes, _ = _map_graph(outputs)
    return nodes


def _shape_text(tensors) -> str:
    shapes = [tuple(t.shape) if hasattr(t, "shape") else "?" for t in tensors]
    return str(shapes[0]) if len(shapes) == 1 else ", ".join(map(str, shapes))


def _label(layer, node, options) -> str:
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if options["show_layer_names"] else kind]
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        name = getattr(activation, "__name__", None) or getattr(activation, "name", None)
        lines.append(f"Activation: {name or activation}")
    if options["show_shapes"] and node is not None:
        if node.input_tensors:
            lines.append(f"Input shape: {_shape_text(node.input_tensors)}")
        lines.append(f"Output shape: {_shape_text(node.output_tensors)}")
    if options["show_dtype"] and node is not None:
        dtypes = [getattr(t, "dtype", "?") for t in node.output_tensors]
        lines.append(f"Output dtype: {', '.join(map(str, dtypes))}")
    if options["show_trainable"] and getattr(layer, "weights", None):
        lines.append("Trainable" if layer.trainable else "Non-trainable")
    return "\\n".join(line.replace('"', "'") for line in lines)


def _is_graph_model(layer) -> bool:
    from lamina.models.model import Model

    return isinstance(layer, Model) and _graph_nodes(layer) is not None


def _add_model(pydot, graph, model, options, prefix: str) -> tuple[dict, list]:
    """Adds ``model``'s layers to ``graph``; returns ({id(operation): (entry, exit) dot
    node names}, its input layers' entry names)."""
    nodes = _graph_nodes(model)
    ends: dict = {}
    if nodes is None:  # a subclassed model: its layers, unconnected
        for layer in model.layers:
            name = f"{prefix}{id(layer)}"
            graph.add_node(pydot.Node(name, label=_label(layer, None, options), shape="box"))
            ends[id(layer)] = (name, name)
        return ends, []
    for node in nodes:
        operation = node.operation
        if id(operation) in ends:
            continue
        name = f"{prefix}{id(operation)}"
        if options["expand_nested"] and _is_graph_model(operation):
            cluster = pydot.Cluster(
                f"cluster_{name}", label=f"{operation.name} ({type(operation).__name__})"
            )
            inner, inner_inputs = _add_model(pydot, cluster, operation, options, f"{name}_")
            graph.add_subgraph(cluster)
            outputs = [inner[id(t._keras_history[0])][1] for t in operation.outputs]
            ends[id(operation)] = (inner_inputs[0] if inner_inputs else name, outputs[0])
            continue
        graph.add_node(pydot.Node(name, label=_label(operation, node, options), shape="box"))
        ends[id(operation)] = (name, name)
    for node in nodes:
        target = ends[id(node.operation)][0]
        for parent in node.parent_nodes:
            source = ends[id(parent.operation)][1]
            if not graph.get_edge(source, target):
                graph.add_edge(pydot.Edge(source, target))
    inputs = [ends[id(t._keras_history[0])][0] for t in model.inputs if t._keras_history]
    return ends, inputs


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """The model's layer graph as a ``pydot.Dot`` (a ``pydot.Cluster`` with
    ``subgraph=True``): one box per layer, an edge per connection; ``expand_nested`` draws
    nested models' layers inside a cluster."""
    if kwargs:
        raise ValueError(f"model_to_dot: unexpected keyword argument(s) {sorted(kwargs)}.")
    if not getattr(model, "built", False):
        raise ValueError(
            f"model_to_dot: model {model.name!r} is not built yet; call it on data or build it "
            "first."
        )
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' or 'LR'; received {rankdir!r}.")
    pydot = _pydot()
    options = {
        "show_shapes": show_shapes,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "show_layer_activations": show_layer_activations,
        "show_trainable": show_trainable,
        "expand_nested": expand_nested,
    }
    if subgraph:
        graph = pydot.Cluster(style="dashed", graph_name=model.name, label=model.name)
    else:
        graph = pydot.Dot(graph_type="digraph")
        graph.set("rankdir", rankdir)
        graph.set("concentrate", True)
        graph.set("dpi", dpi)
        graph.set("splines", splines)
        graph.set_node_defaults(shape="record")
    _add_model(pydot, graph, model, options, "")
    return graph


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=False,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    splines="ortho",
    **kwargs,
):
    """Draw the model's layer graph into ``to_file``; its extension picks the format
    (``.png`` by default, ``.svg``, ``.pdf``…; ``.dot`` writes Graphviz source without
    needing Graphviz). In a notebook, a ``.png`` is also returned as an IPython image."""
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
        splines=splines,
        **kwargs,
    )
    to_file = str(to_file)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    if extension == "dot":
        with open(to_file, "w", encoding="utf-8") as handle:
            handle.write(dot.to_string())
        return None
    pydot = _pydot()
    try:
        dot.write(to_file, format=extension)
    except (OSError, pydot.PydotException) as error:
        raise ImportError(
            f"{_INSTALL}; Graphviz could not render {to_file!r} ({error}). A '.dot' file "
            "needs no Graphviz."
        ) from error
    if extension == "png":
        try:
            from IPython import display

            return display.Image(filename=to_file)
        except ImportError:
            pass
    io_utils.print_msg(f"Wrote the model graph to {to_file}")
    return None


__all__ = ["model_to_dot", "plot_model"]
