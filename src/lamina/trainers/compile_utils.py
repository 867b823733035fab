"""What ``compile(loss=..., metrics=...)`` becomes: losses and metrics matched to outputs."""

from __future__ import annotations

from lamina import losses as losses_module, metrics as metrics_module, ops
from lamina.backend.common import tree
from lamina.metrics.metric import StatelessMetricMethods


def _match_to_outputs(value, output_names, what):
    """Spread a compile argument over the outputs: one for all, a list, or a dict by name."""
    count = len(output_names)
    if isinstance(value, dict):
        unknown = set(value) - set(output_names)
        if unknown:
            raise ValueError(
                f"compile({what}=...) has keys {sorted(unknown)} that match no output; the "
                f"model's outputs are {output_names}."
            )
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and what != "metrics_single":
        if count == 1 and what in ("metrics", "weighted_metrics"):
            return [list(value)]
        if len(value) != count:
            raise ValueError(
                f"compile({what}=...) got a list of {len(value)} entries, but the model has "
                f"{count} output(s): {output_names}."
            )
        return list(value)
    return [value] * count


def resolve_accuracy(name, y_true, y_pred, loss=None):
    """Keras's rule for "accuracy": binary, sparse categorical or categorical by the shapes."""
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if pred_shape[-1:] == (1,) or _is_binary_loss(loss):
        return metrics_module.BinaryAccuracy(name=name)
    if len(true_shape) < len(pred_shape) or true_shape[-1:] == (1,):
        return metrics_module.SparseCategoricalAccuracy(name=name)
    return metrics_module.CategoricalAccuracy(name=name)


def _is_binary_loss(loss) -> bool:
    if loss is None:
        return False
    name = loss if isinstance(loss, str) else getattr(loss, "name", getattr(loss, "__name__", ""))
    return name in ("binary_crossentropy", "BinaryCrossentropy", "bce")


def _resolve_crossentropy(name, y_true, y_pred):
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if pred_shape[-1:] == (1,):
        function = losses_module.binary_crossentropy
    elif len(true_shape) < len(pred_shape) or true_shape[-1:] == (1,):
        function = losses_module.sparse_categorical_crossentropy
    else:
        function = losses_module.categorical_crossentropy
    return metrics_module.MeanMetricWrapper(function, name=name)


def _as_loss_object(identifier):
    """A Loss instance; plain functions are wrapped so that sample weights and reduction apply."""
    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss):
        return loss
    name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", "loss")
    return losses_module.LossFunctionWrapper(loss, name=name)


class CompileLoss:
    """Total loss = sum over outputs of weight * loss(y_true, y_pred, sample_weight)."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.loss = loss
        self.loss_weights = loss_weights
        self.output_names = output_names or ["output"]
        self.built = False

    def build(self, y_true, y_pred):
        names = self.output_names
        flat_pred = tree.flatten(y_pred)
        if len(flat_pred) != len(names):
            names = (
                [f"output_{i}" for i in range(len(flat_pred))]
                if len(flat_pred) > 1
                else (names[:1])
            )
            self.output_names = names
        self.losses = [
            None if item is None else _as_loss_object(item)
            for item in _match_to_outputs(self.loss, names, "loss")
        ]
        weights = self.loss_weights
        if weights is None:
            self.weights = [1.0] * len(names)
        else:
            self.weights = [
                1.0 if w is None else float(w)
                for w in _match_to_outputs(weights, names, "loss_weights")
            ]
        self._single = len(self.losses) == 1 and self.losses[0] is not None
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        if (
            self._single and not tree.is_nested(y_pred) and not tree.is_nested(y_true)
        ):  # the hot path: one output
            value = self.losses[0](y_true, y_pred, sample_weight=sample_weight)
            self.last_per_output = [value]
            return value * self.weights[0] if self.weights[0] != 1.0 else value
        flat_true = _flatten_like(y_true, y_pred, self.output_names)
        flat_pred = tree.flatten(y_pred)
        flat_weight = (
            [None] * len(flat_pred)
            if sample_weight is None
            else _flatten_like(sample_weight, y_pred, self.output_names, broadcast=True)
        )
        total, per_output = None, []
        for loss, weight, t, p, w in zip(
            self.losses, self.weights, flat_true, flat_pred, flat_weight
        ):
            if loss is None or t is None:
                per_output.append(None)
                continue
            value = loss(t, p, sample_weight=w)
            per_output.append(value)  # logged unweighted, as Keras 3
            value = value * weight if weight != 1.0 else value
            total = value if total is None else total + value
        self.last_per_output = per_output
        return total


def _flatten_like(values, y_pred, output_names, broadcast=False):
    flat_pred = tree.flatten(y_pred)
    if isinstance(values, dict):
        known = set(y_pred) if isinstance(y_pred, dict) else set(output_names)
        unknown = set(values) - known
        if unknown:
            raise ValueError(
                f"Targets (or sample weights) have keys {sorted(unknown)} that match no model "
                f"output; the outputs are {sorted(known)}."
            )
        if isinstance(y_pred, dict):
            return [values.get(key) for key in sorted(y_pred)]
        return [values.get(name) for name in output_names]
    if len(flat_pred) == 1:
        return [values]
    if isinstance(values, (list, tuple)):
        if len(values) != len(flat_pred):
            raise ValueError(
                f"The model has {len(flat_pred)} outputs, but {len(values)} targets were given."
            )
        return list(values)
    if broadcast:
        return [values] * len(flat_pred)
    raise ValueError(
        f"The model has {len(flat_pred)} outputs: pass targets as a list or a dict keyed by "
        f"output name ({output_names})."
    )


class CompileMetrics(StatelessMetricMethods):
    """The compiled metrics; ``result()`` is a dict so that logs read like Keras's.

    It has the stateless methods of a ``Metric`` (``stateless_update_state`` …), which a
    JAX-style ``train_step(self, state, data)`` calls on each of ``model.metrics``.
    """

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names=None, loss=None):
        self._user_metrics = metrics
        self._user_weighted = weighted_metrics
        self.output_names = output_names or ["output"]
        self.loss = loss
        self.built = False
        self.metrics: list = []  # (output index, metric, weighted)

    def _resolve(self, identifier, y_true, y_pred, prefix, loss):
        if isinstance(identifier, str):
            if identifier in ("accuracy", "acc"):
                metric = resolve_accuracy(identifier, y_true, y_pred, loss)
            elif identifier in ("crossentropy", "ce"):
                metric = _resolve_crossentropy(identifier, y_true, y_pred)
            else:
                found = metrics_module.get(identifier)
                metric = (
                    found
                    if hasattr(found, "update_state")
                    else (metrics_module.MeanMetricWrapper(found, name=identifier))
                )
                metric.name = identifier  # logs use the user's spelling ("mae"), as Keras
        elif hasattr(identifier, "update_state"):
            metric = identifier
        elif callable(identifier):
            metric = metrics_module.MeanMetricWrapper(identifier, name=identifier.__name__)
        else:
            raise ValueError(f"Could not interpret metric identifier: {identifier!r}")
        if prefix:
            metric.name = f"{prefix}_{metric.name}"
        return metric

    def build(self, y_true, y_pred):
        flat_pred = tree.flatten(y_pred)
        names = (
            self.output_names
            if len(self.output_names) == len(flat_pred)
            else [f"output_{i}" for i in range(len(flat_pred))]
        )
        flat_true = _flatten_like(y_true, y_pred, names)
        losses = (
            _match_to_outputs(self.loss, names, "loss")
            if self.loss is not None
            else ([None] * len(names))
        )
        multi = len(flat_pred) > 1
        for weighted, user in ((False, self._user_metrics), (True, self._user_weighted)):
            if user is None:
                continue
            per_output = _match_to_outputs(
                user, names, "weighted_metrics" if weighted else "metrics"
            )
            for index, items in enumerate(per_output):
                if items is None:
                    continue
                items = items if isinstance(items, (list, tuple)) else [items]
                for identifier in items:
                    metric = self._resolve(
                        identifier, flat_true[index], flat_pred[index], None, losses[index]
                    )
                    self.metrics.append((index, metric, weighted))
        prefixes = [names[index] if multi else None for index, _, _ in self.metrics]
        for (_, metric, _), name in zip(self.metrics, _log_names(prefixes, self.metrics)):
            metric.name = name
        self._names = names
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:
            self.build(y_true, y_pred)
        if len(self._names) == 1 and not (
            tree.is_nested(y_pred) or tree.is_nested(y_true)
        ):  # the hot path: one output
            for _, metric, weighted in self.metrics:
                metric.update_state(
                    y_true, y_pred, sample_weight=sample_weight if weighted else None
                )
            return
        flat_true = _flatten_like(y_true, y_pred, self._names)
        flat_pred = tree.flatten(y_pred)
        flat_weight = (
            None
            if sample_weight is None
            else _flatten_like(sample_weight, y_pred, self._names, broadcast=True)
        )
        for index, metric, weighted in self.metrics:
            if flat_true[index] is None:
                continue
            weight = flat_weight[index] if (weighted and flat_weight is not None) else None
            metric.update_state(flat_true[index], flat_pred[index], sample_weight=weight)

    def result(self) -> dict:
        return {metric.name: metric.result() for _, metric, _ in self.metrics}

    def reset_state(self):
        for _, metric, _ in self.metrics:
            metric.reset_state()

    @property
    def variables(self):
        return [v for _, metric, _ in self.metrics for v in metric.variables]


def check_metrics_argument(argument, value) -> None:
    """``compile(metrics=...)`` / ``weighted_metrics``: as Keras 3, a list, tuple or dict
    (per output), or nothing; a bare metric is refused."""
    if value and not isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"Expected `{argument}` argument to be a list, tuple, or dict. Received instead: "
            f"{argument}={value!r} of type {type(value)}"
        )


def _log_names(prefixes, entries) -> list:
    """The names the compiled metrics log under, by Keras 3's rule: the output's name
    before the metric's (several outputs); a repeated name gets ``_1``, ``_2``…, except
    that a weighted metric first tries ``weighted_<name>``. The unweighted metrics come
    first, in order, then the weighted ones."""
    counts: dict = {}

    def numbered(name):
        if name not in counts:
            counts[name] = 1
            return name
        index = counts[name]
        counts[name] += 1
        return f"{name}_{index}"

    names = []
    for prefix, (_, metric, weighted) in zip(prefixes, entries):
        name = f"{prefix}_{metric.name}" if prefix else metric.name
        if weighted and name in counts:
            name = f"{prefix}_weighted_{metric.name}" if prefix else f"weighted_{metric.name}"
        names.append(numbered(name))
    return names


def sum_losses(values):
    total = None
    for value in values:
        total = value if total is None else ops.add(total, value)
    return total
