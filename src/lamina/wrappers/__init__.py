"""``lamina.wrappers``: scikit-learn estimators around a Lamina model (Keras 3's
``keras.wrappers``). scikit-learn is optional and imported only when a wrapper is first
used, so ``import lamina`` stays fast."""

_NAMES = ("SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer")


def __getattr__(name):
    if name in _NAMES:
        from lamina.wrappers import sklearn_wrapper

        return getattr(sklearn_wrapper, name)
    raise AttributeError(f"module 'lamina.wrappers' has no attribute {name!r}")


def __dir__():
    return sorted(_NAMES)


__all__ = list(_NAMES)
