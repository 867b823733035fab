"""The JAX rows of ``train_step.py``: Lamina-on-JAX ``fit`` against a plain ``jax.jit`` loop.

Run by ``train_step.py --engine jax`` (LAMINA_BACKEND=jax is set before lamina is imported).
The plain loop is what a JAX user writes by hand: the same CNN in ``jax.lax``, the same
initial weights, Adam (optax when installed, else the same rule written out), the same loss,
the whole step under ``jax.jit`` with donated state, data on the device, shuffled batches.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np

import lamina as keras

try:
    import optax
except ImportError:  # the benchmark still runs; the rule below is Adam as Keras defines it
    optax = None


def bench_fit(model_factory, x, y, batch, warmup, jit_compile="auto"):
    model = model_factory(jit_compile)
    times = []
    last = [None]

    probe = model.trainable_variables[-1]  # the step's last write: waiting on it waits it out

    def on_batch_end(step, logs):
        probe.value.block_until_ready()
        now = time.perf_counter()
        if last[0] is not None and step >= warmup:
            times.append(now - last[0])
        last[0] = now

    timer = keras.callbacks.LambdaCallback(on_train_batch_end=on_batch_end)
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, callbacks=[timer], shuffle=True)
    return times


def _forward(params, x):
    def conv(x, kernel, bias):
        out = jax.lax.conv_general_dilated(
            x, kernel, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )
        return jax.nn.relu(out + bias)

    def pool(x):
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    (k1, b1), (k2, b2), (k3, b3), (w1, c1), (w2, c2) = params
    x = pool(conv(x, k1, b1))
    x = pool(conv(x, k2, b2))
    x = conv(x, k3, b3)
    x = x.reshape(x.shape[0], -1)
    x = jax.nn.relu(x @ w1 + c1)
    return jax.nn.softmax(x @ w2 + c2)


def _loss(params, x, y):
    probabilities = _forward(params, x)
    probabilities = probabilities / probabilities.sum(-1, keepdims=True)
    return -(y * jnp.log(jnp.clip(probabilities, 1e-7, 1 - 1e-7))).sum(-1).mean()


def adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """optax's Adam; without optax, the same rule written out."""
    if optax is not None:
        return optax.adam(learning_rate, b1=beta_1, b2=beta_2, eps=epsilon)

    def init(params):
        # Two trees of their own: the step donates its state, and a buffer shared by both
        # moments cannot be donated twice.
        momentums = jax.tree_util.tree_map(jnp.zeros_like, params)
        velocities = jax.tree_util.tree_map(jnp.zeros_like, params)
        return (jnp.zeros((), jnp.int32), momentums, velocities)

    def update(grads, state, params=None):
        step, m, v = state
        step = step + 1
        m = jax.tree_util.tree_map(lambda m, g: m + (g - m) * (1 - beta_1), m, grads)
        v = jax.tree_util.tree_map(lambda v, g: v + (g * g - v) * (1 - beta_2), v, grads)
        t = step.astype(jnp.float32)
        alpha = learning_rate * jnp.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        updates = jax.tree_util.tree_map(lambda m, v: -alpha * m / (jnp.sqrt(v) + epsilon), m, v)
        return updates, (step, m, v)

    class _Rule:
        pass

    rule = _Rule()
    rule.init, rule.update = init, update
    return rule


def bench_plain_jax(model_factory, x, y, batch, warmup):
    model = model_factory("auto")  # only for its initial weights
    weights = [np.asarray(w) for w in model.get_weights()]
    params = [(jnp.asarray(weights[i]), jnp.asarray(weights[i + 1])) for i in range(0, 10, 2)]
    adam_rule = adam()
    state = adam_rule.init(params)

    def step(params, state, xb, yb):
        loss, grads = jax.value_and_grad(_loss)(params, xb, yb)
        updates, state = adam_rule.update(grads, state, params)
        params = jax.tree_util.tree_map(lambda p, u: p + u, params, updates)
        return params, state, loss

    step = jax.jit(step, donate_argnums=(0, 1))
    xs, ys = jnp.asarray(x), jnp.asarray(y)
    order = np.random.default_rng(0).permutation(len(x))
    times, last = [], None
    for index in range(len(x) // batch):
        rows = jnp.asarray(order[index * batch : (index + 1) * batch])
        params, state, loss = step(params, state, xs[rows], ys[rows])
        loss.block_until_ready()
        now = time.perf_counter()
        if last is not None and index >= warmup:
            times.append(now - last)
        last = now
    return times


def runs(model_factory, batch):
    return {
        "lamina fit (jax)": lambda x, y, w: bench_fit(model_factory, x, y, batch, w),
        "plain jax.jit loop": lambda x, y, w: bench_plain_jax(model_factory, x, y, batch, w),
    }


def adam_name() -> str:
    return "optax.adam" if optax is not None else "Adam written out (optax not installed)"
