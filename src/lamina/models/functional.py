"""Functional: a model defined by a graph of layer calls on symbolic inputs."""

from __future__ import annotations

import inspect
import re

import numpy as np

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.backend.common import tree
from lamina.layers import folded_padding, in_place
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model
from lamina.ops.operation import FunctionOperation
from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _map_graph(output_tensors):
    """The graph's nodes in execution order and its operations in Keras's order.

    As Keras 3: a depth-first walk from the outputs numbers operations as it meets them;
    a node's depth is its longest distance to an output (an operation takes the deepest of
    its nodes). Nodes run deepest first; operations are listed deepest first, ties in the
    order met. That order names the layers of a weights file (``dense``, ``dense_1``…), so
    it must be Keras's exactly for files to move between the two.
    """
    met, post_order, finished, in_progress = {}, [], set(), set()

    def visit(tensor):
        if tensor._keras_history is None:
            raise ValueError(
                f"Output tensor {tensor} was not produced by a layer call on a lamina.Input."
            )
        operation, node_index, _ = tensor._keras_history
        node = operation._inbound_nodes[node_index]
        met.setdefault(id(operation), (len(met), operation))
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError("The layer graph has a cycle.")
        in_progress.add(id(node))
        for parent_tensor in node.input_tensors:
            visit(parent_tensor)
        in_progress.discard(id(node))
        finished.add(id(node))
        post_order.append(node)

    for tensor in output_tensors:
        visit(tensor)
    node_depth, operation_depth = {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.get(id(node), 0), operation_depth.get(id(node.operation), 0))
        node_depth[id(node)] = depth
        operation_depth[id(node.operation)] = depth
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(node_depth.get(id(parent), 0), depth + 1)
    position = {id(node): index for index, node in enumerate(post_order)}
    nodes = sorted(post_order, key=lambda n: (-node_depth[id(n)], position[id(n)]))
    operations = [
        operation
        for _, operation in sorted(
            met.values(), key=lambda item: (-operation_depth[id(item[1])], item[0])
        )
    ]
    return nodes, operations


class Functional(Model):
    """``Model(inputs, outputs)``: inputs and outputs may be a tensor, a list or a dict."""

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        if isinstance(inputs, dict):
            for key, tensor in inputs.items():
                if isinstance(tensor, KerasTensor) and tensor.name != key:
                    tensor.name = tensor.name or key
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = tree.flatten(inputs)
        self.outputs = tree.flatten(outputs)
        for tensor in self.inputs + self.outputs:
            if not isinstance(tensor, KerasTensor):
                raise TypeError(
                    f"Model inputs and outputs must be symbolic tensors (lamina.Input and layer "
                    f"calls on it); received {type(tensor).__name__}."
                )
        for tensor in self.inputs:
            history = tensor._keras_history
            if history is None or not isinstance(history[0], InputLayer):
                raise ValueError(f"Model inputs must come from lamina.Input(); received {tensor}.")
        self._nodes, self._operations = _map_graph(self.outputs)
        self._released_after = _release_plan(self._nodes, self.outputs)
        self._donated = _donation_plan(self._nodes, self._released_after)
        self._folded = _folding_plan(self._nodes, self._released_after)
        reached = {id(t) for node in self._nodes for t in node.output_tensors}
        for tensor in self.inputs:
            if id(tensor) not in reached:
                raise ValueError(f"Input {tensor} is not connected to the outputs.")
        self._check_inputs_suffice()
        for operation in self._operations:
            if isinstance(operation, Layer):
                self._track(operation)
        self.built = True
        self._build_shapes = tree.map_structure(lambda t: t.shape, inputs)

    def _check_inputs_suffice(self):
        given = {id(t) for t in self.inputs}
        for node in self._nodes:
            if node.is_input and isinstance(node.operation, InputLayer):
                tensor = node.output_tensors[0]
                if id(tensor) not in given:
                    raise ValueError(
                        f"Graph disconnected: the outputs need input {tensor.name!r}, "
                        "which is not among the model's inputs."
                    )

    @property
    def input_shape(self):
        return tree.map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self):
        return tree.map_structure(lambda t: t.shape, self._outputs_struct)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def output_names(self) -> list:
        if isinstance(self._outputs_struct, dict):
            return sorted(self._outputs_struct)
        return [t._keras_history[0].name for t in self.outputs]

    @property
    def input_names(self) -> list:
        return [t._keras_history[0].name for t in self.inputs]

    def _flatten_call_inputs(self, inputs):
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                if len(self.inputs) == 1:
                    return [inputs]
                raise ValueError(
                    f"Model {self.name!r} expects a dict of inputs with keys "
                    f"{sorted(self._inputs_struct)}; received {type(inputs).__name__}."
                )
            missing = set(self._inputs_struct) - set(inputs)
            if missing:
                raise ValueError(f"Model {self.name!r} is missing inputs {sorted(missing)}.")
            return tree.flatten(_match_by_key(self._inputs_struct, inputs, self.name))
        if isinstance(inputs, dict) and set(inputs) >= set(self.input_names):
            # A list of named inputs fed a dict (``fit({"title": ..., "body": ...})``): match
            # by input name, not by the dict's sorted key order.
            return [inputs[name] for name in self.input_names]
        flat = tree.flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model {self.name!r} expects {len(self.inputs)} input(s); received {len(flat)}."
            )
        return flat

    def call(self, inputs, training=None, mask=None):
        values = {}
        for tensor, value in zip(self.inputs, self._flatten_call_inputs(inputs)):
            layer = tensor._keras_history[0]
            if not isinstance(value, KerasTensor):
                value = (
                    backend.engine.core.autocast(value, layer.dtype)
                    if (backend.is_float_dtype(layer.dtype))
                    else backend.convert_data(value)  # a string input stays NumPy
                )
                value = _adjusted_rank(value, tensor.shape)
            values[id(tensor)] = value
        skipped = set()  # padding outputs folded into their convolution in this call
        for node, released, donated, folded in zip(
            self._nodes, self._released_after, self._donated, self._folded
        ):
            if node.is_input:
                continue
            if folded is not None and folded[0] == "skip":
                source = values[id(node.input_tensors[0])]
                if not isinstance(source, KerasTensor):
                    # The convolution reading this padding pads inside its own kernel.
                    values[id(node.output_tensors[0])] = source
                    skipped.add(id(node.output_tensors[0]))
                    for tensor_id in released:
                        del values[tensor_id]
                    continue
            args, kwargs = node.substitute(values)
            if training is not None and "training" in kwargs:
                # A training flag recorded when the graph was built (Keras records the
                # augmentation layers' training=True default) yields to this call's, as in
                # Keras, so predict() does not augment.
                kwargs["training"] = training
            if folded is not None and folded[0] == "pads" and folded[1] in skipped:
                with folded_padding.pending(folded[2]):
                    outputs = node.operation(*args, **kwargs)
            elif donated is not None:
                with in_place.donating(values[donated]):
                    outputs = node.operation(*args, **kwargs)
            else:
                outputs = node.operation(*args, **kwargs)
            for tensor, value in zip(node.output_tensors, tree.flatten(outputs)):
                values[id(tensor)] = value
            del args, kwargs, outputs
            for tensor_id in released:
                del values[tensor_id]
        return tree.map_structure(lambda t: values[id(t)], self._outputs_struct)

    def compute_output_spec(self, inputs, training=None, mask=None):
        return backend.compute_output_spec(self.call, inputs)

    def build(self, input_shape):
        self.built = True

    # ---- config --------------------------------------------------------------------------

    def get_config(self) -> dict:
        return functional_config(self)


def _release_plan(nodes, outputs) -> tuple:
    """For each node, the ids of the tensors that no later node reads.

    ``call`` drops their values once the node has run, so a forward holds only the activations
    still to be read (as Keras's Functional does), not every layer's output until the end: a
    ResNet50 batch then reuses memory the allocator already has instead of faulting in
    gigabytes of fresh pages.
    """
    kept = {id(tensor) for tensor in outputs}
    last_reader = {}
    for index, node in enumerate(nodes):
        for tensor in node.input_tensors:
            last_reader[id(tensor)] = index
    released: list[list[int]] = [[] for _ in nodes]
    for tensor_id, index in last_reader.items():
        if tensor_id not in kept:
            released[index].append(tensor_id)
    return tuple(tuple(ids) for ids in released)


def _donation_plan(nodes, released_after) -> tuple:
    """For each node, the id of the input tensor it may overwrite (layers/in_place.py), or
    None: its only input, read by no later node and not a model output, made by a layer
    whose outputs are always new arrays, and the node's layer can run in place."""
    plan = []
    for node, released in zip(nodes, released_after):
        tensors = node.input_tensors
        donated = None
        if len(tensors) == 1 and id(tensors[0]) in released:
            producer = tensors[0]._keras_history[0]
            if in_place.may_donate(producer, node.operation):
                donated = id(tensors[0])
        plan.append(donated)
    return tuple(plan)


def _folding_plan(nodes, released_after) -> tuple:
    """For each node, None or how it takes part in folding a ZeroPadding layer into the
    convolution after it (layers/folded_padding.py): ("skip",) for a padding node whose
    output only that convolution reads, ("pads", padded tensor id, pads) for the
    convolution."""
    plan: list = [None] * len(nodes)
    producer_index = {}
    for index, node in enumerate(nodes):
        for tensor in node.output_tensors:
            producer_index[id(tensor)] = index
    for index, (node, released) in enumerate(zip(nodes, released_after)):
        tensors = node.input_tensors
        if node.is_input or len(tensors) != 1 or id(tensors[0]) not in released:
            continue
        source = producer_index.get(id(tensors[0]))
        if source is None or plan[source] is not None:
            continue
        padding_node = nodes[source]
        if padding_node.is_input or len(padding_node.input_tensors) != 1:
            continue
        if len(padding_node.output_tensors) != 1:
            continue
        if folded_padding.can_fold(padding_node.operation, node.operation):
            plan[source] = ("skip",)
            plan[index] = ("pads", id(tensors[0]), padding_node.operation.padding)
    return tuple(plan)


def _adjusted_rank(value, expected_shape):
    """As Keras's Functional: an input missing the trailing axis of size 1 its Input declares
    gets it (``(batch,)`` for ``Input(shape=(1,))``), and an extra trailing axis of size 1 is
    dropped. Text stays a NumPy array."""
    rank, expected_rank = len(value.shape), len(expected_shape)
    if rank == expected_rank - 1 and expected_shape[-1] == 1:
        return value[..., None] if isinstance(value, np.ndarray) else ops.expand_dims(value, -1)
    if rank == expected_rank + 1 and value.shape[-1] == 1:
        return value[..., 0] if isinstance(value, np.ndarray) else ops.squeeze(value, axis=-1)
    return value


def functional_variant(cls):
    """``cls`` (a Model subclass) with Functional mixed in, made once per class."""
    variant = cls.__dict__.get("_functional_variant")
    if variant is None:
        variant = type(
            cls.__name__,
            (cls, Functional),
            {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
        cls._functional_variant = variant
    return variant


def _history_ref(tensor, reindex):
    """[layer name, node index within this model, tensor index] of a symbolic tensor."""
    operation, node_index, tensor_index = tensor._keras_history
    node = operation._inbound_nodes[node_index]
    return [operation.name, reindex.get(id(node), node_index), tensor_index]


def _serialize_arg(value, reindex):
    if isinstance(value, KerasTensor):
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": list(value.shape),
                "dtype": value.dtype,
                "keras_history": _history_ref(value, reindex),
            },
        }
    if isinstance(value, (list, tuple)):
        return [_serialize_arg(v, reindex) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_arg(v, reindex) for k, v in value.items()}
    return serialize_keras_object(value)


def _operations_in_order(model) -> list:
    return list(model._operations)


def functional_config(model) -> dict:
    node_ids = {id(node) for node in model._nodes}
    # A layer may also have been called in other graphs: number its nodes within this model.
    reindex = {}
    for operation in _operations_in_order(model):
        kept = [node for node in operation._inbound_nodes if id(node) in node_ids]
        reindex.update({id(node): index for index, node in enumerate(kept)})
    layers = []
    for operation in _operations_in_order(model):
        if isinstance(operation, FunctionOperation):
            entry = {
                "module": "lamina.ops",
                "class_name": "__operation__",
                "config": operation.get_config(),
                "registered_name": None,
            }
        else:
            entry = serialize_keras_object(operation)
        entry["name"] = operation.name
        entry["inbound_nodes"] = [  # type: ignore[assignment]
            {
                "args": _serialize_arg(list(node.call_args), reindex),
                "kwargs": _serialize_arg(node.call_kwargs, reindex),
            }
            for node in operation._inbound_nodes
            if id(node) in node_ids and not node.is_input
        ]
        layers.append(entry)

    def refs(structure):
        if isinstance(structure, dict):
            return {k: _history_ref(v, reindex) for k, v in structure.items()}
        if isinstance(structure, (list, tuple)):
            return [_history_ref(t, reindex) for t in structure]
        return [_history_ref(structure, reindex)]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": refs(model._inputs_struct),
        "output_layers": refs(model._outputs_struct),
    }


def _keras_operation(entry):
    """An op Keras applied to symbolic tensors, saved as its operation class (``x + y`` is
    ``{"module": "keras.src.ops.numpy", "class_name": "Add"}``): replayed by Lamina's op of
    the same name (``ops.add``), the class's other config entries (``axis``…) passed as
    keyword arguments. Only functions of ``lamina.ops`` can be named."""
    class_name = entry["class_name"]
    op_name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", class_name).lower()  # GetItem -> get_item
    function = getattr(ops, op_name, None)
    if not inspect.isfunction(function):
        raise ValueError(
            f"Unknown op in a Functional config: expected an op of lamina.ops for "
            f"{entry['module']}.{class_name}. Received: {class_name!r}"
        )
    arguments = {k: v for k, v in (entry.get("config") or {}).items() if k != "name"}
    parameters = inspect.signature(function).parameters
    unknown = sorted(set(arguments) - set(parameters))
    if unknown:
        raise ValueError(
            f"Op {class_name!r} in a Functional config: ops.{op_name} takes no argument "
            f"{unknown}. Expected some of {sorted(parameters)}."
        )
    return _KerasOperation(function, op_name, arguments)


class _KerasOperation(FunctionOperation):
    """An op whose arguments Keras keeps in its config: each call passes them on as keyword
    arguments, so the graph node records them and Lamina's own file keeps them."""

    def __init__(self, function, name, arguments):
        super().__init__(function, name)
        self.arguments = arguments

    def __call__(self, *args, **kwargs):
        return super().__call__(*args, **{**self.arguments, **kwargs})


def _make_operation(entry, custom_objects=None):
    if entry.get("class_name") == "__operation__":
        op_name = entry["config"]["op"]
        function = getattr(ops, op_name, None)
        if function is None:
            raise ValueError(f"Unknown op {op_name!r} in a Functional config.")
        return FunctionOperation(function, op_name)
    module = entry.get("module")
    if isinstance(module, str) and (module == "keras.ops" or module.startswith("keras.src.ops.")):
        return _keras_operation(entry)
    return deserialize_keras_object(
        {k: v for k, v in entry.items() if k not in ("inbound_nodes", "name")},
        custom_objects=custom_objects,
        kind="layer",
    )


def _resolve_references(value, created: dict):
    """A call's saved arguments with each ``__keras_tensor__`` reference replaced by the
    tensor it names; LookupError while that tensor's call has not been replayed yet."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        name, node_index, tensor_index = value["config"]["keras_history"]
        operation = created[name]
        if node_index >= len(operation._inbound_nodes):
            raise LookupError(name)
        return operation._inbound_nodes[node_index].output_tensors[tensor_index]
    if isinstance(value, list):
        return [_resolve_references(v, created) for v in value]
    if isinstance(value, dict):
        return {k: _resolve_references(v, created) for k, v in value.items()}
    return value


def _endpoint_tensors(refs, created: dict):
    """The model's inputs or outputs from their ``[name, node, tensor]`` references."""

    def one(ref):
        name, node_index, tensor_index = ref
        return created[name]._inbound_nodes[node_index].output_tensors[tensor_index]

    if isinstance(refs, dict):
        return {k: one(v) for k, v in refs.items()}
    if refs and not isinstance(refs[0], list):
        return one(refs)
    items = [one(ref) for ref in refs]
    return items[0] if len(items) == 1 else items


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild the graph: create each layer, then replay its calls once inputs are ready."""
    created, pending = {}, []
    for entry in config["layers"]:
        operation = _make_operation(entry, custom_objects)
        created[entry["name"]] = operation
        for node_data in entry.get("inbound_nodes", []):
            pending.append((operation, node_data))
    while pending:
        progressed = False
        for item in list(pending):
            operation, node_data = item
            try:
                args = _resolve_references(node_data["args"], created)
                kwargs = _resolve_references(node_data["kwargs"], created)
            except LookupError:
                continue
            operation(*args, **kwargs)
            pending.remove(item)
            progressed = True
        if not progressed:
            raise ValueError("The Functional config has layer calls whose inputs never appear.")
    inputs = _endpoint_tensors(config["input_layers"], created)
    outputs = _endpoint_tensors(config["output_layers"], created)
    return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _match_by_key(structure, data, model_name):
    """``data`` arranged as the model's input ``structure``: dicts, nested too, matched by
    key (extra keys are ignored, as Keras), so it flattens in the inputs' order."""
    if not isinstance(structure, dict):
        return data
    if not isinstance(data, dict):
        raise ValueError(
            f"Model {model_name!r} expects a dict of inputs with keys {sorted(structure)}; "
            f"received {type(data).__name__}."
        )
    missing = set(structure) - set(data)
    if missing:
        raise ValueError(f"Model {model_name!r} is missing inputs {sorted(missing)}.")
    return [_match_by_key(structure[key], data[key], model_name) for key in sorted(structure)]
