"""``Layer.stateless_call``: run a layer on given variable values, without changing it.

For engines with a stateless scope (JAX), so that users can write their own loops with
``jax.grad`` / ``jax.jit`` over a Lamina model, as with Keras.
"""

from __future__ import annotations

from lamina.backend.common.stateless_scope import StatelessScope


def stateless_call(
    layer, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs
):
    scope_class = StatelessScope
    if not layer.built:
        raise ValueError(
            f"Layer {layer.name!r}: build it (call it once, or call build()) before "
            "stateless_call, so that its variables exist."
        )
    trainable = layer.trainable_variables
    non_trainable = layer.non_trainable_variables
    for given, expected, kind in (
        (trainable_variables, trainable, "trainable_variables"),
        (non_trainable_variables, non_trainable, "non_trainable_variables"),
    ):
        if len(given) != len(expected):
            raise ValueError(
                f"Layer {layer.name!r}: stateless_call expects {len(expected)} values in "
                f"{kind} (one per layer.{kind}); received {len(given)}."
            )
    mapping = list(zip(trainable, trainable_variables)) + list(
        zip(non_trainable, non_trainable_variables)
    )
    with scope_class(state_mapping=mapping) as scope:
        outputs = layer(*args, **kwargs)
        losses = list(layer.losses) if return_losses else None
    new_non_trainable = [scope.get_current_value(variable) for variable in non_trainable]
    if return_losses:
        return outputs, new_non_trainable, losses
    return outputs, new_non_trainable
