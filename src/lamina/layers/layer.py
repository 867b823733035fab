"""Layer: the unit models are made of. Config in `__init__`, weights in `build`, math in `call`.

On the torch engine a Layer is also a ``torch.nn.Module`` (see ``backend/torch/layer.py``).
"""

from __future__ import annotations

import contextlib
import functools
import inspect

from lamina import backend
from lamina.backend import KerasTensor, KerasVariable, any_symbolic_tensors, global_state
from lamina.backend.common import remat as remat_scopes, stateless_scope, tree
from lamina.backend.common.masking import get_keras_mask, set_keras_mask
from lamina.dtype_policies import get as get_dtype_policy, serialize as serialize_dtype_policy
from lamina.layers.input_spec import InputSpec, assert_input_compatibility
from lamina.layers.layer_dtypes import LayerDTypes
from lamina.layers.tracking import TrackedDict, TrackedList
from lamina.ops.node import Node
from lamina.ops.operation import Operation
from lamina.serialization import deserialize_keras_object, objects, serialize_keras_object


def _call_signature(cls):
    """(call takes training, call takes mask, the class defines compute_mask), once per class.

    Kept on the class as ``(cls, flags)`` (a subclass inherits its parent's entry, so the
    class is checked), not in a dict keyed by class: torch.compile guarded such a lookup
    on the dict's key but not on ``type(self)``, and replayed Dropout's flags for a Dense
    (issue 8: "Dense.call() got an unexpected keyword argument 'training'").
    """
    entry = getattr(cls, "_call_signature_entry", None)
    if entry is None or entry[0] is not cls:
        parameters = inspect.signature(cls.call).parameters
        computes_mask = cls.compute_mask is not Layer.compute_mask
        entry = (cls, ("training" in parameters, "mask" in parameters, computes_mask))
        cls._call_signature_entry = entry
    return entry[1]


def _shape_of(x):
    if isinstance(x, KerasTensor):
        return x.shape
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return None


def _mask_of(inputs):
    """The Keras mask carried by a tensor (``_keras_mask``), or a list of them, or None."""
    if isinstance(inputs, (list, tuple)):
        masks = [get_keras_mask(x) for x in inputs]
        return None if all(m is None for m in masks) else masks
    return get_keras_mask(inputs)


def _attach_mask(outputs, mask):
    if mask is None:
        return
    if isinstance(outputs, (list, tuple)):
        masks = mask if isinstance(mask, (list, tuple)) else [mask] * len(outputs)
        for output, item in zip(outputs, masks):
            _attach_mask(output, item)
        return
    set_keras_mask(outputs, mask)


def _marking_built(build):
    """A subclass's ``build``, which marks the layer built however it is called (directly,
    by a parent's build, or on the first call), as Keras does."""

    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        result = build(self, *args, **kwargs)
        self.built = True
        if self._build_shapes is None and args:
            self._build_shapes = args[0]
        return result

    build_and_mark._marks_built = True
    return build_and_mark


class Layer(LayerDTypes, backend.LayerBase, Operation):  # type: ignore[misc,valid-type]
    """Base class of all layers.

    Subclasses store their configuration in ``__init__``, create weights in
    ``build(input_shape)`` with ``add_weight``, and compute in ``call(inputs, training=None,
    mask=None)`` with ``lamina.ops``. The first call builds the layer.
    """

    supports_jit = True  # False: the trainer runs its step eagerly (as Keras: string layers)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            cls.build = _marking_built(build)

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls, *args, **kwargs)
        # Remember constructor arguments: subclasses without get_config still round-trip.
        try:
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            arguments = dict(bound.arguments)
            arguments.pop(next(iter(arguments)))  # self
            extra = arguments.pop("kwargs", None)
            if isinstance(extra, dict):
                arguments.update(extra)
            object.__setattr__(instance, "_auto_config", arguments)
        except TypeError:
            object.__setattr__(instance, "_auto_config", None)
        return instance

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_dtype", None)
        if kwargs and objects.is_loading_config():
            # Optional features of newer Keras versions (quantization_config, lora_rank…)
            # arrive as None in their configs: None means unused. Called directly, a layer
            # refuses them all, as Keras's does (a typo must not pass).
            kwargs = {key: value for key, value in kwargs.items() if value is not None}
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        Operation.__init__(self, name=name)
        self._set_dtype_policy(get_dtype_policy(dtype))
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self._layers: list = []
        self._trainable_variables: list = []
        self._non_trainable_variables: list = []
        self._seed_generators: list = []
        self._losses: list = []
        # The RematScope active when the layer is made decides its rematerialization.
        self._remat_mode = remat_scopes.get_current_remat_mode()
        self._build_shapes = None
        self.input_spec = None
        self.supports_masking = False
        from lamina import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._input_shape_arg = tuple(batch_input_shape)
        elif input_shape is not None:
            self._input_shape_arg = (batch_size, *tuple(input_shape))
        else:
            self._input_shape_arg = None

    # ---- attribute tracking --------------------------------------------------------------

    def __setattr__(self, name, value):
        if name.startswith("_"):
            # Private bookkeeping (lists of variables, nodes) is not tracked; a layer or
            # variable held in a private attribute is.
            if "_layers" in self.__dict__ and isinstance(value, (Layer, KerasVariable)):
                self._track(value, attribute=name)
            if isinstance(value, KerasVariable):
                object.__setattr__(self, name, value)
            else:
                super().__setattr__(name, value)
            return
        if "_layers" in self.__dict__:
            if isinstance(value, list) and not isinstance(value, TrackedList):
                value = TrackedList(value, self)
            elif isinstance(value, dict) and not isinstance(value, TrackedDict):
                value = TrackedDict(value, self)
            self._track(value, attribute=name)
        if isinstance(value, KerasVariable):
            object.__setattr__(self, name, value)  # not nn.Module's parameter slot
        else:
            super().__setattr__(name, value)

    def _track(self, value, attribute=None):
        if isinstance(value, Layer):
            if not any(layer is value for layer in self._layers):
                self._layers.append(value)
            self._engine_track_layer(attribute or value.name, value)
        elif isinstance(value, KerasVariable):
            known = self._trainable_variables + self._non_trainable_variables
            if not any(v is value for v in known):
                target = (
                    self._trainable_variables
                    if value.trainable
                    else (self._non_trainable_variables)
                )
                target.append(value)
                if value.trainable and not self._trainable:
                    value.trainable = False  # a frozen layer's new weights get no gradients
                self._engine_track_variable(value)
        elif isinstance(value, backend.SeedGenerator):
            self._seed_generators.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                self._track(item)

    # ---- weights -------------------------------------------------------------------------

    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        name=None,
    ):
        """Creates a weight variable of this layer and tracks it (call it from ``build``).

        Args:
            shape: the variable's shape; None or ``()`` makes a scalar.
            initializer: an initializer instance or name; default ``"glorot_uniform"`` for
                floating dtypes and ``"zeros"`` otherwise.
            dtype: default: the layer's ``variable_dtype``.
            trainable: whether the optimizer updates it (``trainable_weights``).
            autocast: cast it to the layer's compute dtype when read inside ``call``
                (mixed precision).
            regularizer: a regularizer (instance or name) whose penalty joins ``losses``.
            constraint: a constraint applied after each optimizer update.
            aggregation: how values are combined across replicas (``"none"``, ``"mean"``,
                ``"sum"``, ``"only_first_replica"``).
            name: the variable's name; its path is ``layer_name/name``.

        Returns:
            The new ``Variable``.

        Examples:
            ```python
            class Scale(keras.layers.Layer):
                def build(self, input_shape):
                    self.factor = self.add_weight(shape=(input_shape[-1],), initializer="ones")

                def call(self, inputs):
                    return inputs * self.factor
            ```
        """
        from lamina import constraints, initializers, regularizers

        shape = () if shape is None else shape
        dtype = backend.standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if backend.is_float_dtype(dtype) else "zeros"
        initializer = initializers.get(initializer)
        # _maybe_build already opened this layer's scope; a weight made elsewhere opens it.
        in_own_scope = global_state.current_path().rsplit("/", 1)[-1] == self.name
        with contextlib.nullcontext() if in_own_scope else backend.name_scope(self.name):
            variable = backend.Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        self._track(variable)
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        """Keras 3's other spelling of ``add_weight`` (shape and initializer required)."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    def save_own_variables(self, store) -> None:
        """Writes this layer's own variables into ``store`` (a dict-like keyed "0", "1"…, in
        trainable-then-non-trainable order). Saving calls it; a layer with state kept outside
        its variables overrides it and ``load_own_variables`` together, as in Keras."""
        own = self._trainable_variables + self._non_trainable_variables
        for index, variable in enumerate(own):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store) -> None:
        """Assigns what ``save_own_variables`` wrote (loading calls it)."""
        own = self._trainable_variables + self._non_trainable_variables
        if len(store.keys()) != len(own):
            raise ValueError(
                f"Layer {self.name!r} expected {len(own)} variables, but the saved state "
                f"holds {len(store.keys())}: {sorted(store.keys())[:10]}."
            )
        for index, variable in enumerate(own):
            variable.assign(store[str(index)])

    @property
    def trainable(self) -> bool:
        """Whether the layer's weights are updated by training. Setting it sets every weight and
        sublayer too; a frozen layer's weights all move to ``non_trainable_weights``.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_variables:
            variable.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def _all_own_variables(self):
        return self._trainable_variables + self._non_trainable_variables

    @property
    def weights(self) -> list:
        """Every weight variable of the layer and its sublayers, trainable first, each once."""
        seen, result = set(), []
        for variable in self._all_own_variables():
            if id(variable) not in seen:
                seen.add(id(variable))
                result.append(variable)
        for layer in self._layers:
            for variable in layer.weights:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    result.append(variable)
        return result

    @property
    def variables(self) -> list:
        """``weights`` plus the state of this layer's seed generators (as Keras)."""
        result = self.weights
        seen = {id(variable) for variable in result}
        for generator in self._all_seed_generators():
            if id(generator.state) not in seen:
                seen.add(id(generator.state))
                result.append(generator.state)
        return result

    def _all_seed_generators(self) -> list:
        generators = list(self._seed_generators)
        for layer in self._layers:
            generators.extend(layer._all_seed_generators())
        return generators

    @property
    def trainable_weights(self) -> list:
        """The weights the optimizer updates (none when the layer is not ``trainable``)."""
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list:
        """The weights training does not update (all of them when the layer is not
        ``trainable``), such as BatchNormalization's moving statistics.
        """
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def non_trainable_variables(self) -> list:
        """``non_trainable_weights`` plus the state of the layer's seed generators."""
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    def stateless_call(
        self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs
    ):
        """Call the layer with these variable values; return ``(outputs, new non-trainable
        values)`` (and the losses with ``return_losses=True``). Nothing in the layer changes."""
        from lamina.layers.stateless import stateless_call

        return stateless_call(
            self, trainable_variables, non_trainable_variables, *args,
            return_losses=return_losses, **kwargs,
        )  # fmt: skip

    def get_weights(self) -> list:
        """The values of ``weights``, as a list of NumPy arrays."""
        return [variable.numpy() for variable in self.weights]

    def set_weights(self, weights) -> None:
        """Assigns ``weights`` (NumPy arrays, in the order of ``get_weights``) to the layer's
        weights; the count and every shape are checked before anything is assigned.
        """
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"Layer {self.name!r} expects {len(variables)} weights, but the weight list "
                f"received has {len(weights)} elements."
            )
        for variable, value in zip(variables, weights):
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"Layer {self.name!r}: weight {variable.path!r} has shape "
                    f"{tuple(variable.shape)}; received a value of shape {tuple(value.shape)}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def count_params(self) -> int:
        """The number of scalars in the layer's weights (the layer must be built)."""
        if not self.built:
            raise ValueError(
                f"Layer {self.name!r} has not been built yet, so its weights do not exist; "
                "call it on an input or call build() first."
            )
        total = 0
        for variable in self.weights:
            count = 1
            for dim in variable.shape:
                count *= dim
            total += count
        return total

    # ---- losses --------------------------------------------------------------------------

    def add_loss(self, loss) -> None:
        """Adds a loss tensor (computed in ``call`` from its inputs) to the ones training
        minimizes; ``fit`` adds every such loss to the compiled loss.
        """
        if stateless_scope.scopes_open:
            scope = stateless_scope.current_scope()
            if scope is not None and scope.collect_losses:
                scope.add_loss(loss)  # StatelessScope(collect_losses=True) takes it instead
                return
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        """The losses added with ``add_loss`` during the last call, plus the weight regularizers'
        penalties, for this layer and its sublayers.
        """
        collected = list(self._losses)
        for variable in self._trainable_variables:
            regularizer = getattr(variable, "regularizer", None)
            if regularizer is not None:
                collected.append(regularizer(variable.value))
        for layer in self._layers:
            collected.extend(layer.losses)
        return collected

    def _clear_losses(self) -> None:
        self._losses.clear()
        for layer in self._layers:
            layer._clear_losses()

    # ---- calling -------------------------------------------------------------------------

    def build(self, input_shape) -> None:
        """Creates the layer's weights from the shape of its first input (``add_weight``).

        Called once, on the first call; override it in a layer whose weights depend on the
        input shape.
        """
        self.built = True

    def _maybe_build(self, args, kwargs) -> None:
        if self.built:
            return
        first = args[0] if args else next(iter(kwargs.values()), None)
        shapes = tree.map_structure(_shape_of, first) if tree.is_nested(first) else _shape_of(first)
        self._check_input_spec(first)
        with backend.name_scope(self.name):
            self.build(shapes)
        self.built = True
        self._build_shapes = shapes

    def _check_input_spec(self, inputs) -> None:
        spec = self.input_spec
        if spec is None:
            return
        if isinstance(spec, (list, tuple)):
            flat = tree.flatten(inputs)
            if len(flat) != len(spec):
                raise ValueError(
                    f"Layer {self.name!r} expects {len(spec)} input(s); received {len(flat)}."
                )
            for item_spec, item in zip(spec, flat):
                assert_input_compatibility(item_spec, _shape_of(item), self.name)
        else:
            assert_input_compatibility(spec, _shape_of(inputs), self.name)

    def __call__(self, *args, **kwargs):
        if args:
            args = (self._convert_inputs(args[0]), *args[1:])
        if any_symbolic_tensors(args, kwargs):
            return self._symbolic_call(args, kwargs)
        if not self.built:
            self._maybe_build(args, kwargs)
        elif self.input_spec is not None:
            self._check_input_spec(args[0] if args else None)
        has_training, has_mask, computes_mask = _call_signature(type(self))
        previous = global_state.get_training()
        training = kwargs.get("training")
        if training is None:
            training = previous
        if has_training and training is not None:
            kwargs["training"] = training
        elif not has_training:
            kwargs.pop("training", None)
        global_state.set_training(training)
        if self._losses:
            self._losses.clear()
        input_mask = _mask_of(args[0]) if args else None
        if input_mask is not None and "mask" not in kwargs and has_mask:
            kwargs["mask"] = input_mask
        autocast_target = self._autocast_target()
        call = self.call
        if self._remat_mode is not None:
            call = remat_scopes.rematerialized_call(self, args)
        try:
            if autocast_target is None:
                outputs = call(*args, **kwargs)
            else:
                with global_state.autocast_scope(autocast_target):
                    outputs = call(*args, **kwargs)
        finally:
            global_state.set_training(previous)
        if self.activity_regularizer is not None:
            for output in tree.flatten(outputs):
                self.add_loss(self.activity_regularizer(output))
        if input_mask is not None or computes_mask:
            _attach_mask(outputs, self.compute_mask(args[0], kwargs.get("mask", input_mask)))
        return outputs

    _remat_mode = None  # also for subclasses that skip Layer.__init__

    def _symbolic_call(self, args, kwargs):
        self._maybe_build(args, kwargs)
        self._check_input_spec(args[0] if args else None)
        has_training, has_mask, computes_mask = _call_signature(type(self))
        if not has_training:
            kwargs.pop("training", None)
        input_mask = _mask_of(args[0]) if args else None
        spec_kwargs = dict(kwargs)
        if input_mask is not None and has_mask and "mask" not in kwargs:
            spec_kwargs["mask"] = input_mask  # the graph node keeps kwargs: replay re-derives it
        spec_args = args
        if args and self.autocast:
            spec_args = (tree.map_structure(self._symbolic_input, args[0]), *args[1:])
        autocast_target = self._autocast_target()
        if autocast_target is None:
            outputs = self.compute_output_spec(*spec_args, **spec_kwargs)
        else:
            with global_state.autocast_scope(autocast_target):
                outputs = self.compute_output_spec(*spec_args, **spec_kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        if input_mask is not None or computes_mask:
            _attach_mask(outputs, self.compute_mask(args[0], spec_kwargs.get("mask", input_mask)))
        return outputs

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs: the input's when the layer supports masking, else None."""
        return mask if self.supports_masking else None

    def call(self, *args, **kwargs):
        """The layer's computation: its outputs for ``inputs`` (a subclass implements it with
        ``keras.ops``). ``training`` and ``mask`` arguments, when the signature has them, are
        passed by the framework.
        """
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement call().")

    def compute_output_spec(self, *args, **kwargs):
        """The symbolic output (``KerasTensor``) of a call on symbolic inputs: from
        ``compute_output_shape`` when the layer overrides it, else by running ``call`` on the
        engine's abstract evaluation.
        """
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0]
            shapes = (
                tree.map_structure(_shape_of, first) if tree.is_nested(first) else (first.shape)
            )
            output_shape = self.compute_output_shape(shapes)
            if isinstance(output_shape, tuple) and all(
                d is None or isinstance(d, int) for d in output_shape
            ):
                return KerasTensor(output_shape, dtype=self.compute_dtype)
            return tree.map_structure(
                lambda s: KerasTensor(s, dtype=self.compute_dtype), output_shape
            )
        kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        return backend.compute_output_spec(self.call, *args, **kwargs)

    def compute_output_shape(self, input_shape):
        """The output shape for an input of ``input_shape`` (``None`` for unknown dimensions);
        found by abstract evaluation of ``call`` unless a layer overrides it.
        """
        spec = backend.compute_output_spec(
            self.call,
            tree.map_structure(lambda s: KerasTensor(s), input_shape)
            if isinstance(input_shape, (list, dict))
            else KerasTensor(input_shape),
        )
        return tree.map_structure(lambda t: t.shape, spec) if tree.is_nested(spec) else spec.shape

    # ---- functional-graph helpers --------------------------------------------------------

    @property
    def input(self):
        """The input tensor of the layer's first call on symbolic tensors (None if never called)."""
        return self._inbound_nodes[0].call_args[0] if self._inbound_nodes else None

    @property
    def output(self):
        """The output tensor of the layer's first call on symbolic tensors."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name!r} has never been called: it has no output.")
        return self._inbound_nodes[0].outputs

    # ---- config --------------------------------------------------------------------------

    def get_config(self) -> dict:
        """The layer's constructor arguments, JSON-ready: ``from_config`` rebuilds the layer from
        them. A subclass with arguments of its own adds them to ``super().get_config()``.
        """
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_dtype_policy(self.dtype_policy),
        }
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = list(self._input_shape_arg)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = serialize_keras_object(self.activity_regularizer)
        base_init = Layer.__init__
        generic = type(self).get_config.__qualname__ in ("Layer.get_config", "Model.get_config")
        if type(self).__init__ is not base_init and generic:
            auto = getattr(self, "_auto_config", None)
            if auto is None:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} has constructor arguments that cannot be "
                    "serialized automatically; implement get_config()."
                )
            config.update({k: serialize_keras_object(v) for k, v in auto.items()})
        return config

    @classmethod
    def from_config(cls, config):
        """Creates a layer from ``get_config()``'s dictionary (``cls(**config)``)."""
        config = dict(config)
        if "activity_regularizer" in config and isinstance(config["activity_regularizer"], dict):
            config["activity_regularizer"] = deserialize_keras_object(
                config["activity_regularizer"]
            )
        try:
            with objects.loading_config():
                return cls(**config)
        except TypeError as error:
            raise TypeError(
                f"Error when deserializing class {cls.__name__!r} using config={config}: {error}"
            ) from error

    def get_build_config(self):
        """The input shape the layer was built with, saved so loading can build it again."""
        if self._build_shapes is not None:
            return {"input_shape": self._build_shapes}
        return None

    def build_from_config(self, config) -> None:
        """Builds the layer from ``get_build_config()``'s dictionary (loading calls it)."""
        if config and not self.built:
            shape = config.get("input_shape")
            if shape is not None:
                with backend.name_scope(self.name):
                    self.build(shape)
                self.built = True
                self._build_shapes = shape

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other


__all__ = ["InputSpec", "Layer"]
