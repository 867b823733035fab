"""Prints the Keras 3 facts tests/applications/test_application_facts.py holds for each
application constructor: count_params() with the classifier and without
(``include_top=False``), and the layer names (count and a SHA-256 of the names joined by
newlines, generated names such as ``max_pooling2d_3`` reduced to ``max_pooling2d`` so that
the facts do not depend on what else a session built).

    KERAS_BACKEND=torch <keras venv>/bin/python application_facts.py NAME [NAME ...]
"""

import hashlib
import re
import sys

import keras


def normalized_names(model):
    names = []
    for layer in model.layers:
        # Keras's generated-name rule: "_" before each capitalized word, and between a
        # lower-case letter and a capital (ReLU -> re_lu, Conv2D -> conv2d).
        snake = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", type(layer).__name__)
        snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", snake).lower()
        names.append(re.sub(rf"^{re.escape(snake)}(_\d+)?$", snake, layer.name))
    return names


def facts(name):
    build = getattr(keras.applications, name)
    top = build(weights=None)
    names = normalized_names(top)
    digest = hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]
    notop = build(weights=None, include_top=False)
    return name, top.count_params(), notop.count_params(), len(names), digest


if __name__ == "__main__":
    for application in sys.argv[1:]:
        print(facts(application), flush=True)
