#!/usr/bin/env bash
# Set up, seed the dataset cache from the repo's copy of MNIST, train the example CNN.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -c "from lamina.datasets import mnist; mnist.seed_cache_from('data/mnist.npz')"
.venv/bin/python examples/mnist_convnet.py "$@"
