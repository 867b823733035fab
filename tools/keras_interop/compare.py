"""Compares what train_side.py saved for Keras and Lamina."""

import json
import os
import sys

import numpy as np

workdir = sys.argv[1]
sides = {}
for side in ("keras", "lamina"):
    with open(os.path.join(workdir, f"{side}_history.json")) as handle:
        sides[side] = json.load(handle)
for key, values in sides["keras"]["history"].items():
    other = sides["lamina"]["history"][key]
    print(f"{key:>14}: max |keras - lamina| = {max(abs(a - b) for a, b in zip(values, other)):.2e}")
weights = [np.load(os.path.join(workdir, f"{side}_end.npz")) for side in ("keras", "lamina")]
gap = max(float(np.max(np.abs(a - b))) for a, b in zip(weights[0].values(), weights[1].values()))
print(f"final weights: max |keras - lamina| = {gap:.2e}")
print("evaluate:", sides["keras"]["evaluate"], sides["lamina"]["evaluate"])
