"""The JAX engine's half of ``lamina.export``: SavedModels through ``jax2tf``.

An endpoint is the Lamina function run as a pure function of (variable values, inputs)
inside a ``StatelessScope``, converted by ``jax2tf`` and bound to ``tf.Variable`` copies of
the tracked variables, so the artifact keeps its weights as variables (not constants) and
runs with no JAX or Lamina installed. TensorFlow is imported only when an export runs.
ONNX files come from a TensorFlow-engine subprocess (``export_onnx`` returns False).
"""

from __future__ import annotations

import itertools
import string

import numpy as np

from lamina.backend.common.argument_checks import refuse_torch_export
from lamina.backend.jax.core import StatelessScope


def _dimension_names():
    """a, b, …, z, aa, ab, …: names for the free non-batch axes of one endpoint."""
    letters = string.ascii_lowercase
    pairs = ("".join(pair) for pair in itertools.product(letters, repeat=2))
    return itertools.chain(letters, pairs)


def _polymorphic_shape(shape, names) -> str:
    dims = [
        str(dim) if dim is not None else ("batch" if axis == 0 else next(names))
        for axis, dim in enumerate(shape)
    ]
    return f"({', '.join(dims)})"


def _writer_class():
    """The writer class, defined on first use: its base class imports TensorFlow."""
    from lamina.backend.tensorflow.saved_model import SavedModelWriter, map_leaves

    class JaxSavedModelWriter(SavedModelWriter):
        def _to_tf_variable(self, variable):
            return self._tf.Variable(
                np.asarray(variable.value),
                trainable=variable.trainable,
                name=variable.name,
            )

        def _wrap_endpoint(self, fn, tensor_specs, is_static=False, jax2tf_kwargs=None):
            from jax.experimental import jax2tf

            from lamina.backend.tensorflow.saved_model import endpoint_signature

            tf = self._tf
            options = dict(jax2tf_kwargs or {})
            if "polymorphic_shapes" not in options:
                names = _dimension_names()
                options["polymorphic_shapes"] = [
                    map_leaves(lambda spec: _polymorphic_shape(spec.shape, names), argument)
                    for argument in tensor_specs
                ]
            signature = endpoint_signature(fn, len(tensor_specs))
            if is_static:
                converted = jax2tf.convert(fn, **options)

                def static_endpoint(*args):
                    return converted(*args)

                static_endpoint.__signature__ = signature  # type: ignore[attr-defined]
                return tf.function(static_endpoint, input_signature=tensor_specs, autograph=False)
            lamina_variables = list(self._lamina_variables)
            non_trainable = [v for v in lamina_variables if not v.trainable]

            def stateless(values, *args):
                with StatelessScope(state_mapping=list(zip(lamina_variables, values))) as scope:
                    outputs = fn(*args)
                # Layers that update state on a call (a seed generator, a running mean)
                # write into the scope; the endpoint assigns the new values back.
                return outputs, [scope.get_current_value(v) for v in non_trainable]

            variable_shapes = [
                _polymorphic_shape(variable.shape, iter(())) for variable in lamina_variables
            ]
            options["polymorphic_shapes"] = [variable_shapes, *options["polymorphic_shapes"]]
            converted = jax2tf.convert(stateless, **options)
            tf_variables = [self.tf_variable(v) for v in lamina_variables]
            tf_non_trainable = [self.tf_variable(v) for v in non_trainable]

            def endpoint(*args):
                outputs, new_values = converted(list(tf_variables), *args)
                for tf_variable, value in zip(tf_non_trainable, new_values):
                    tf_variable.assign(tf.cast(value, tf_variable.dtype))
                return outputs

            endpoint.__signature__ = signature  # type: ignore[attr-defined]
            return tf.function(endpoint, input_signature=tensor_specs, autograph=False)

    return JaxSavedModelWriter


def saved_model_archive():
    """A SavedModel writer for this process (jax2tf), or None (export in a subprocess)."""
    return _writer_class()()


def export_onnx(model, filepath, input_signature, opset_version=None, verbose=True):
    """False: not written in this process. ``jax2tf``'s graphs hold XLA calls that
    ``tf2onnx`` cannot convert, so ``lamina.export`` writes the file from a
    TensorFlow-engine subprocess instead."""
    return False


def export_program(model, filepath, input_signature, options=None):
    refuse_torch_export("jax")


def load_saved_model(filepath, call_endpoint, call_training_endpoint=None):
    """A SavedModel's endpoints called on host arrays (``layers.TFSMLayer``)."""
    from lamina.backend.tensorflow.saved_model import HostSavedModel

    return HostSavedModel(filepath, call_endpoint, call_training_endpoint)
