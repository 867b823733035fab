"""What an engine's step functions may ask of a model: the one interface between the
engines' ``trainer`` modules and the Trainer's internals.

Engines call these functions rather than reaching into a model's private attributes, so the
Trainer can change how it keeps its caches and loss trackers without touching any engine.
"""

from __future__ import annotations


def step_loss(model, x, y, y_pred, sample_weight, training: bool):
    """The step's loss (compiled loss plus the model's own losses), with the per-output loss
    trackers updated, as ``fit``/``evaluate`` log it."""
    return model._compute_loss(
        x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
    )


def trainable_variables(model, refresh: bool = False) -> list:
    """The variables a training step differentiates, in a stable order; ``refresh=True``
    forgets the cached list first (after a call that created the model's weights)."""
    if refresh:
        model._trainable_variables_cache = None
    return model._trainable_variables_for_step()


def clear_losses(model) -> None:
    """Drops the ``add_loss`` values of the last call (traced values must not outlive a
    compiled step)."""
    model._clear_losses()
