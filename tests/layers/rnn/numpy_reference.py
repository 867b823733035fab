"""Float64 NumPy references of the recurrent cells and the RNN loop, from Keras's equations."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def simple_rnn_step(x, states, kernel, recurrent_kernel, bias=None):
    hidden = x @ kernel + states[0] @ recurrent_kernel + (0.0 if bias is None else bias)
    output = np.tanh(hidden)
    return output, [output]


def lstm_step(x, states, kernel, recurrent_kernel, bias=None):
    memory, carry = states
    z = x @ kernel + memory @ recurrent_kernel + (0.0 if bias is None else bias)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)  # Keras's gate order
    carry = sigmoid(z_f) * carry + sigmoid(z_i) * np.tanh(z_c)
    memory = sigmoid(z_o) * np.tanh(carry)
    return memory, [memory, carry]


def gru_step(x, states, kernel, recurrent_kernel, bias=None, reset_after=True):
    previous = states[0]
    units = previous.shape[-1]
    if bias is None:
        input_bias = recurrent_bias = np.zeros(3 * units)
    elif reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, np.zeros(3 * units)
    x_z, x_r, x_h = np.split(x @ kernel + input_bias, 3, axis=-1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=-1)
    b_z, b_r, b_h = np.split(recurrent_bias, 3)
    update = sigmoid(x_z + previous @ u_z + b_z)
    reset = sigmoid(x_r + previous @ u_r + b_r)
    if reset_after:
        candidate = np.tanh(x_h + reset * (previous @ u_h + b_h))
    else:
        candidate = np.tanh(x_h + (reset * previous) @ u_h)
    output = update * previous + (1.0 - update) * candidate
    return output, [output]


def run_rnn(step, x, states, mask=None, go_backwards=False):
    """Keras's loop: returns (outputs in processing order (B, T, U), last output, states).

    A masked step (mask False) keeps the previous states and repeats the previous output
    (zeros before the first kept step).
    """
    x = np.asarray(x, np.float64)
    states = [np.asarray(s, np.float64) for s in states]
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs, last = [], None
    for t in order:
        output, new_states = step(x[:, t], states)
        if mask is None:
            last, states = output, new_states
        else:
            keep = np.asarray(mask)[:, t, None]
            last = np.where(keep, output, 0.0 if last is None else last)
            states = [np.where(keep, new, old) for new, old in zip(new_states, states)]
        outputs.append(last)
    return np.stack(outputs, axis=1), last, states
