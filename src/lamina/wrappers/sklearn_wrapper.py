"""scikit-learn estimators wrapping a compiled Lamina model: ``SKLearnClassifier``,
``SKLearnRegressor`` and ``SKLearnTransformer`` (Keras 3's names and arguments).

``model`` is a compiled model (cloned with ``models.clone_model`` for each ``fit``, so the
estimator can be cloned and refitted by scikit-learn) or a callable ``model(X=, y=,
**model_kwargs)`` returning one. With ``warm_start=True`` a refit continues from the model
of the previous fit.
"""

from __future__ import annotations

import numpy as np

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the classes still exist; constructing one says what to install
    sklearn = None

    class BaseEstimator:  # type: ignore[no-redef]
        pass

    class ClassifierMixin:  # type: ignore[no-redef]
        pass

    class RegressorMixin:  # type: ignore[no-redef]
        pass

    class TransformerMixin:  # type: ignore[no-redef]
        pass


from lamina.models import Model, clone_model


def _require_sklearn(name: str) -> None:
    if sklearn is None:
        raise ImportError(
            f"{name} needs scikit-learn, which is not installed: pip install scikit-learn"
        )


def _validate(estimator, X, y=None, reset=True):
    """scikit-learn's input validation (sets ``n_features_in_`` when ``reset``)."""
    from sklearn.utils import validation

    validate = getattr(validation, "validate_data", None)  # scikit-learn >= 1.6
    if validate is None:
        validate = type(estimator)._validate_data
    if y is None:
        return validate(estimator, X, reset=reset)
    # Regressors and transformers take several target columns; a classifier one label each.
    return validate(estimator, X, y, reset=reset, multi_output=estimator._multi_output)


class _SKLearnBase(BaseEstimator):
    _multi_output = True

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        _require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_clone__(self):
        # The template model is never trained (fit trains a clone_model of it), so clones
        # of the estimator can share it: no deep copy of a model is needed.
        return type(self)(
            model=self.model,
            warm_start=self.warm_start,
            model_kwargs=self.model_kwargs,
            fit_kwargs=self.fit_kwargs,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    @property
    def epoch_(self) -> int:
        """Epochs run by the last fit."""
        history = getattr(self, "history_", None)
        return len(history.epoch) if history is not None else 0

    def _get_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            model = clone_model(self.model)
        elif callable(self.model):
            model = self.model(X=X, y=y, **(self.model_kwargs or {}))
        else:
            raise TypeError(
                f"{type(self).__name__}: model must be a compiled lamina Model or a callable "
                f"returning one; received {type(self.model).__name__}."
            )
        if not isinstance(model, Model) or not model.compiled or model.optimizer is None:
            raise RuntimeError(
                f"{type(self).__name__}: the model must be compiled with a loss and an "
                f"optimizer; received {model!r}."
            )
        return model

    def fit(self, X, y, **kwargs):
        """Fit the model on ``X`` (n_samples, n_features) and ``y``; ``kwargs`` (and
        ``fit_kwargs``, which they override) go to ``Model.fit``."""
        X, y = _validate(self, X, y, reset=True)
        y = self._encode_target(y, reset=True)
        model = self._get_model(X, y)
        options = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **options)
        self.model_ = model
        return self

    def predict(self, X):
        """The model's predictions, decoded back to the target's form."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return self._decode_target(np.asarray(self.model_.predict(X, verbose=0)))

    def _encode_target(self, y, reset=False):
        from sklearn.utils.multiclass import type_of_target

        type_of_target(y, raise_unknown=True)
        if reset:
            self.target_ndim_ = np.ndim(y)
        return np.reshape(y, (-1, 1)) if np.ndim(y) == 1 else y

    def _decode_target(self, output):
        if self.target_ndim_ == 1 and output.ndim == 2 and output.shape[1] == 1:
            return output[:, 0]
        return output


class SKLearnClassifier(ClassifierMixin, _SKLearnBase):
    """A scikit-learn classifier around a model with one output unit per class (softmax or
    sigmoid). Labels are one-hot encoded for training; ``predict`` returns labels,
    ``predict_proba``/``decision_function`` the model's outputs. ``classes_`` holds the
    labels seen by ``fit``.

    >>> est = SKLearnClassifier(model=build, model_kwargs={"loss": "categorical_crossentropy"})
    >>> est.fit(X, y, epochs=5).predict(X[:3])
    """

    _multi_output = False

    def _encode_target(self, y, reset=False):
        from sklearn.preprocessing import OneHotEncoder
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(y, raise_unknown=True)
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                "SKLearnClassifier: only binary and multiclass targets are supported; "
                f"received a {kind!r} target."
            )
        column = np.reshape(y, (-1, 1))
        if reset:
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError(
                    "SKLearnClassifier: fit needs at least two classes; received only "
                    f"{self.classes_[0]!r}."
                )
            self.encoder_ = OneHotEncoder(sparse_output=False).fit(column)
        return self.encoder_.transform(column)

    def _decode_target(self, output):
        return self.classes_[np.argmax(output, axis=-1)]

    def decision_function(self, X):
        """The model's raw outputs."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))

    predict_proba = decision_function


class SKLearnRegressor(RegressorMixin, _SKLearnBase):
    """A scikit-learn regressor around a model (1-D targets are trained as one column and
    predicted back as 1-D)."""


class SKLearnTransformer(TransformerMixin, _SKLearnBase):
    """A scikit-learn transformer: ``fit`` trains the model on ``(X, y)``, ``transform``
    returns its outputs (an encoder's features, say)."""

    def transform(self, X):
        """The model's outputs on ``X``."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        X = _validate(self, X, reset=False)
        return np.asarray(self.model_.predict(X, verbose=0))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
