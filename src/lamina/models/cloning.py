"""``models.clone_model``: the same architecture with new layers (and so new weights).

Sequential and Functional models are rebuilt layer by layer: each layer goes through
``clone_function`` (default: ``type(layer).from_config(layer.get_config())``, so weights are
freshly initialised, as in Keras), a layer used twice is cloned once and stays shared, and a
Functional graph is replayed on new inputs with ``call_function`` making each call. Any other
model is rebuilt from its own config by its own class. Nothing is looked up by name: the
classes are the in-memory objects' own, and nested objects in their configs
(initializers, regularizers…) are resolved through the usual allow-list.
"""

from __future__ import annotations

from lamina.backend import KerasTensor
from lamina.backend.common import tree
from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.layer import Layer
from lamina.models.functional import Functional
from lamina.models.sequential import Sequential


def _default_clone(layer):
    return type(layer).from_config(layer.get_config())


def _cloner(clone_function, call_function, recursive, cache):
    """``clone_function`` made cache-aware (a shared layer is cloned once) and, with
    ``recursive``, descending into nested Sequential / Functional models."""
    clone_function = clone_function or _default_clone
    if not callable(clone_function):
        raise ValueError(
            f"clone_model: clone_function must be a callable; received {clone_function!r}."
        )

    def clone(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, (Sequential, Functional)):
            cloned = clone_model(
                layer,
                clone_function=clone_function,
                call_function=call_function if isinstance(layer, Functional) else None,
                recursive=True,
                cache=cache,
            )
        else:
            cloned = clone_function(layer)
        cache[id(layer)] = cloned
        return cloned

    return clone


def clone_model(
    model,
    input_tensors=None,
    clone_function=None,
    call_function=None,
    recursive=False,
    **kwargs,
):
    """A new model with ``model``'s architecture and newly created weights.

    Args:
        model: a Sequential, Functional or subclassed model (the last is rebuilt with
            ``type(model).from_config(model.get_config())``).
        input_tensors: symbolic inputs (from ``lamina.Input``) to build the clone on, with
            the structure of ``model.input``; new ``Input``s by default.
        clone_function: ``layer -> new layer`` applied to every layer (not the inputs);
            return the layer itself to share it, or copy weights inside it.
        call_function: ``(layer, *args, **kwargs) -> outputs`` making each layer call of a
            Functional model (to insert or wrap calls).
        recursive: also clone the layers inside nested Sequential / Functional models.

    A compiled model's clone is compiled the same way (``compile_from_config``).

    >>> clone = clone_model(model, clone_function=lambda layer: layer)  # shares weights
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"clone_model: unexpected keyword argument(s) {sorted(kwargs)}.")
    cache = {} if cache is None else cache
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "clone_model: call_function applies to Functional models only: a "
                "Sequential model's layers are listed, not called, when it is built; "
                f"received a Sequential model {model.name!r}."
            )
        clone = _cloner(clone_function, None, recursive, cache)
        cloned = _clone_sequential(model, clone, input_tensors)
    elif isinstance(model, Functional) and (
        type(model).get_config is Functional.get_config or clone_function or input_tensors
    ):
        clone = _cloner(clone_function, call_function, recursive, cache)
        cloned = _clone_functional(model, clone, call_function, input_tensors)
    else:
        if clone_function is not None or input_tensors is not None:
            raise ValueError(
                "clone_model: clone_function and input_tensors apply to Sequential and "
                f"Functional models only; received a {type(model).__name__}."
            )
        if call_function is not None:
            raise ValueError(
                "clone_model: call_function applies to Functional models only; received a "
                f"{type(model).__name__}."
            )
        cloned = type(model).from_config(model.get_config())
    if getattr(model, "compiled", False):
        cloned.compile_from_config(model.get_compile_config())
    return cloned


def _clone_sequential(model, clone, input_tensors):
    new_layers = [clone(layer) for layer in model.layers]
    source = model._input_layer
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(
                    "clone_model: a Sequential model takes a single input tensor; received "
                    f"{len(input_tensors)}."
                )
            input_tensors = input_tensors[0]
        new_layers.insert(0, _input_layer_of(input_tensors))
    elif source is not None:
        new_layers.insert(
            0, InputLayer(batch_shape=source.batch_shape, dtype=source.dtype, name=source.name)
        )
    return Sequential(new_layers, name=model.name, trainable=model.trainable)


def _input_layer_of(tensor):
    if not isinstance(tensor, KerasTensor):
        raise ValueError(
            "clone_model: input_tensors must be symbolic tensors from lamina.Input(); "
            f"received {type(tensor).__name__}."
        )
    history = tensor._keras_history
    if history is None or not isinstance(history[0], InputLayer):
        raise ValueError(
            "clone_model: input_tensors must come straight from lamina.Input(); received "
            f"{tensor}, the output of a layer call."
        )
    return history[0]


def _clone_functional(model, clone, call_function, input_tensors):
    if input_tensors is None:
        new_inputs = tree.map_structure(
            lambda t: Input(batch_shape=t.shape, dtype=t.dtype, name=t._keras_history[0].name),
            model._inputs_struct,
        )
    else:
        if len(tree.flatten(input_tensors)) != len(model.inputs):
            raise ValueError(
                f"clone_model: input_tensors must match model.input's structure "
                f"({len(model.inputs)} tensor(s)); received {input_tensors!r}."
            )
        for tensor in tree.flatten(input_tensors):
            _input_layer_of(tensor)
        new_inputs = input_tensors
    values = dict(zip(map(id, model.inputs), tree.flatten(new_inputs)))
    for node in model._nodes:
        if node.is_input:
            continue
        args, call_kwargs = node.substitute(values)
        operation = node.operation
        if isinstance(operation, InputLayer):
            continue
        is_layer = isinstance(operation, Layer)
        if is_layer:
            operation = clone(operation)
        if is_layer and call_function is not None:
            outputs = call_function(operation, *args, **call_kwargs)
        else:
            outputs = operation(*args, **call_kwargs)
        for tensor, value in zip(node.output_tensors, tree.flatten(outputs)):
            values[id(tensor)] = value
    new_outputs = tree.map_structure(lambda t: values[id(t)], model._outputs_struct)
    return Functional(new_inputs, new_outputs, name=model.name, trainable=model.trainable)
