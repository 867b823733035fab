"""The scikit-learn wrappers train real models and work with scikit-learn's tools."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers

sklearn = pytest.importorskip("sklearn", reason="scikit-learn is optional")
pytestmark = pytest.mark.training

from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

RNG = np.random.default_rng(0)


def _classification(n=240):
    centers = np.array([[2.0, 0.0, 0.0], [-2.0, 1.0, 0.0], [0.0, -2.0, 2.0]])
    labels = RNG.integers(0, 3, size=n)
    x = centers[labels] + RNG.normal(scale=0.5, size=(n, 3))
    names = np.array(["cat", "dog", "eel"])[labels]
    return x.astype("float32"), names


def build(X, y, loss="categorical_crossentropy", hidden=16):
    inputs = lamina.Input((X.shape[1],))
    x = layers.Dense(hidden, activation="relu")(inputs)
    outputs = layers.Dense(y.shape[1], activation="softmax")(x)
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss=loss)
    return model


def test_classifier_learns_and_predicts_labels():
    from lamina.wrappers import SKLearnClassifier

    x, y = _classification()
    est = SKLearnClassifier(model=build, model_kwargs={"hidden": 8}, fit_kwargs={"verbose": 0})
    est.fit(x, y, epochs=15, batch_size=32)
    assert list(est.classes_) == ["cat", "dog", "eel"]
    assert est.n_features_in_ == 3
    assert est.epoch_ == 15
    predictions = est.predict(x)
    assert predictions.dtype == y.dtype
    assert np.mean(predictions == y) > 0.9
    assert est.predict_proba(x[:4]).shape == (4, 3)
    assert est.score(x, y) > 0.9
    with pytest.raises(ValueError, match="two classes"):
        clone(est).fit(x[:5], np.array(["cat"] * 5))


def test_a_compiled_model_is_cloned_for_each_fit_and_warm_start_continues():
    from lamina.wrappers import SKLearnRegressor

    x = RNG.normal(size=(128, 4)).astype("float32")
    y = x @ np.array([1.0, -2.0, 0.5, 3.0], dtype="float32")
    template = lamina.Sequential([lamina.Input((4,)), layers.Dense(1)])
    template.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in template.get_weights()]
    est = SKLearnRegressor(model=template, fit_kwargs={"verbose": 0, "epochs": 5})
    est.fit(x, y)
    assert est.model_ is not template
    assert all(np.array_equal(a, b) for a, b in zip(before, template.get_weights()))
    assert est.predict(x).shape == (128,)
    assert est.score(x, y) > 0.9
    warm = SKLearnRegressor(model=template, warm_start=True, fit_kwargs={"verbose": 0})
    warm.fit(x, y, epochs=1)
    first = warm.model_
    warm.fit(x, y, epochs=1)
    assert warm.model_ is first
    copied = clone(est)
    assert copied.model is template
    assert not hasattr(copied, "model_")


def test_transformer_in_a_pipeline():
    from lamina.wrappers import SKLearnTransformer

    x, y = _classification(180)

    def encoder(X, y):
        model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, name="features")])
        model.compile(optimizer="adam", loss="mse")
        return model

    pipeline = make_pipeline(
        SKLearnTransformer(model=encoder, fit_kwargs={"verbose": 0, "epochs": 2}),
        LogisticRegression(),
    )
    target = np.eye(2, dtype="float32")[(y == "cat").astype(int)]
    transformer = pipeline.steps[0][1]
    transformer.fit(x, target)
    assert transformer.transform(x).shape == (180, 2)


def test_uncompiled_model_is_refused():
    from lamina.wrappers import SKLearnRegressor

    model = lamina.Sequential([lamina.Input((2,)), layers.Dense(1)])
    with pytest.raises(RuntimeError, match="compiled"):
        SKLearnRegressor(model=model).fit(np.ones((4, 2)), np.arange(4.0))
