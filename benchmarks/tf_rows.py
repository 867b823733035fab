"""The TensorFlow rows of ``train_step.py``: Lamina-on-TensorFlow ``fit`` (one step per call,
and ``steps_per_execution=10``: ten steps in one graph loop) against a plain
``tf.function`` + ``tf.GradientTape`` loop.

Run by ``train_step.py --engine tensorflow`` (LAMINA_BACKEND=tensorflow is set before lamina
is imported). The plain loop is what a TensorFlow user writes by hand without Keras: the
same CNN in ``tf.nn``, the same initial weights in ``tf.Variable``s, Adam written out as
Keras defines it, the same loss, the whole step one ``tf.function``, shuffled batches.
"""

from __future__ import annotations

import time

import numpy as np
import tensorflow as tf

import lamina as keras


def bench_fit(model_factory, x, y, batch, warmup, jit_compile="auto", steps_per_execution=1):
    model = model_factory(jit_compile)
    if steps_per_execution > 1:  # the same compile, N steps per call (one graph loop)
        config = model.get_compile_config()
        model.compile_from_config({**config, "steps_per_execution": steps_per_execution})
    times = []
    last = [None, -1]  # the time and the step of the previous batch end

    def on_batch_end(step, logs):
        now = time.perf_counter()  # variables are read back by the next step: no sync needed
        if last[0] is not None and step >= warmup:
            # One call ran the steps since the previous end (steps_per_execution, or fewer
            # at the end of the epoch): each gets its share of the time.
            num_steps = step - last[1]
            times.extend([(now - last[0]) / num_steps] * num_steps)
        last[0], last[1] = now, step

    timer = keras.callbacks.LambdaCallback(on_train_batch_end=on_batch_end)
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, callbacks=[timer], shuffle=True)
    return times


def _forward(params, x):
    def conv(x, kernel, bias):
        return tf.nn.relu(tf.nn.conv2d(x, kernel, 1, "VALID") + bias)

    def pool(x):
        return tf.nn.max_pool2d(x, 2, 2, "VALID")

    (k1, b1), (k2, b2), (k3, b3), (w1, c1), (w2, c2) = params
    x = pool(conv(x, k1, b1))
    x = pool(conv(x, k2, b2))
    x = conv(x, k3, b3)
    x = tf.reshape(x, (tf.shape(x)[0], -1))
    x = tf.nn.relu(x @ w1 + c1)
    return tf.nn.softmax(x @ w2 + c2)


def _loss(params, x, y):
    probabilities = _forward(params, x)
    probabilities = probabilities / tf.reduce_sum(probabilities, -1, keepdims=True)
    clipped = tf.clip_by_value(probabilities, 1e-7, 1 - 1e-7)
    return tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(clipped), -1))


def bench_plain(model_factory, x, y, batch, warmup):
    """The hand-written loop, from the Lamina model's initial weights."""
    weights = model_factory("auto").get_weights()
    flat = [tf.Variable(w) for w in weights]
    params = list(zip(flat[0::2], flat[1::2]))
    momentums = [tf.Variable(tf.zeros_like(w)) for w in weights]
    velocities = [tf.Variable(tf.zeros_like(w)) for w in weights]
    iterations = tf.Variable(0, dtype=tf.int64)
    learning_rate, beta_1, beta_2, epsilon = 1e-3, 0.9, 0.999, 1e-7

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = _loss(params, xb, yb)
        gradients = tape.gradient(loss, flat)
        iterations.assign_add(1)
        t = tf.cast(iterations, tf.float32)
        alpha = learning_rate * tf.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        for variable, gradient, m, v in zip(flat, gradients, momentums, velocities):
            m.assign_add((gradient - m) * (1 - beta_1))
            v.assign_add((tf.square(gradient) - v) * (1 - beta_2))
            variable.assign_sub(alpha * m / (tf.sqrt(v) + epsilon))
        return loss

    xs, ys = tf.constant(x), tf.constant(y)
    order = np.random.default_rng(0).permutation(len(x))
    times = []
    last = None
    for index in range(len(x) // batch):
        rows = order[index * batch : (index + 1) * batch]
        step(tf.gather(xs, rows), tf.gather(ys, rows))
        now = time.perf_counter()
        if last is not None and index >= warmup:
            times.append(now - last)
        last = now
    return times


def runs(model_factory, batch):
    """The rows: name -> ``run(x, y, warmup)`` returning seconds per step."""
    return {
        "lamina fit (tensorflow)": lambda x, y, w: bench_fit(model_factory, x, y, batch, w),
        "plain tf.function loop": lambda x, y, w: bench_plain(model_factory, x, y, batch, w),
        # (--quick's few batches: fewer per call, so that some calls come after the warm-up)
        "lamina fit, 10 steps/call": lambda x, y, w: bench_fit(
            model_factory, x, y, batch, w, steps_per_execution=max(1, min(10, len(x) // batch // 3))
        ),
    }
