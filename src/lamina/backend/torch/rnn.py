"""Fused LSTM and GRU: Keras-layout weights run through torch's own recurrent kernels.

``torch.lstm`` / ``torch.gru`` are the functions ``torch.nn.LSTM`` and ``torch.nn.GRU`` call
(cuDNN on a GPU, oneDNN or the native loop on a CPU). The torch-layout weights are built
from the Keras variables inside the autograd graph on every call (transposes and, for the
GRU, a gate reorder), so gradients reach the Keras ``kernel``, ``recurrent_kernel`` and
``bias``. Each function returns ``(last_output, outputs, states)`` with ``outputs`` in
processing order (reversed with ``go_backwards``, as the loop does), or None where the
kernel cannot express the call (a mask that is not right-padded, or a fully masked row):
the layer then runs its loop.
"""

from __future__ import annotations

import torch
from torch.nn.utils import rnn as torch_rnn

from lamina.backend.torch.core import convert_to_tensor


def _lengths(mask, timesteps: int):
    """Per-row lengths (a CPU tensor) of a right-padded ``mask``; "full" when no step is
    masked; None when the mask has gaps, left padding or an empty row."""
    mask = convert_to_tensor(mask).to(torch.bool)
    lengths = mask.sum(dim=1)
    right_padded = torch.arange(timesteps, device=mask.device)[None, :] < lengths[:, None]
    lengths = lengths.cpu()  # pack_padded_sequence wants them on the host: one sync
    if not torch.equal(mask, right_padded) or int(lengths.min()) == 0:
        return None
    if int(lengths.min()) == timesteps:
        return "full"
    return lengths


def _reverse_prefixes(x, lengths):
    """Each row's first ``length`` steps reversed in place, the padding left where it is:
    a right-padded sequence read backwards is again right-padded."""
    timesteps = x.shape[1]
    steps = torch.arange(timesteps, device=x.device)[None, :]  # (1, T)
    lengths = lengths.to(x.device)[:, None]  # (B, 1)
    index = torch.where(steps < lengths, lengths - 1 - steps, steps)  # (B, T)
    return torch.gather(x, 1, index[..., None].expand(-1, -1, x.shape[2]))


def _run(kernel_function, inputs, hidden, params, has_biases, mask, go_backwards, zero_output):
    """Shared by LSTM and GRU: masks through packed sequences, outputs in Keras's order."""
    x = convert_to_tensor(inputs)
    timesteps = x.shape[1]
    train = torch.is_grad_enabled()  # cuDNN keeps what backward needs only when training
    lengths = "full" if mask is None else _lengths(mask, timesteps)
    if lengths is None:
        return None
    if isinstance(lengths, str):
        if go_backwards:
            x = torch.flip(x, dims=(1,))
        outputs, *final = kernel_function(
            x, hidden, params, has_biases, 1, 0.0, train, False, True
        )  # fmt: skip
        return outputs[:, -1], outputs, [state[0] for state in final]
    if go_backwards:
        x = _reverse_prefixes(x, lengths)
    packed = torch_rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    sorted_hidden = tuple(state[:, packed.sorted_indices] for state in hidden)
    data, *final = kernel_function(
        packed.data, packed.batch_sizes, sorted_hidden, params, has_biases, 1, 0.0, train, False
    )
    final = [state[0, packed.unsorted_indices] for state in final]  # (B, units) each
    outputs, _ = torch_rnn.pad_packed_sequence(
        torch_rnn.PackedSequence(
            data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices
        ),
        batch_first=True,
        total_length=timesteps,
    )  # (B, T, units), zeros after each row's length
    steps = torch.arange(timesteps, device=x.device)[None, :]
    row_lengths = lengths.to(x.device)[:, None]
    last = final[0]
    if go_backwards:
        # In processing order the padding comes first: zeros there, then the row's steps.
        source = steps - (timesteps - row_lengths)  # (B, T)
        shifted = torch.gather(
            outputs, 1, source.clamp(min=0)[..., None].expand(-1, -1, outputs.shape[2])
        )
        outputs = torch.where((source >= 0)[..., None], shifted, torch.zeros_like(shifted))
    elif not zero_output:  # a masked step repeats the previous output, as the loop does
        outputs = torch.where((steps < row_lengths)[..., None], outputs, last[:, None, :])
    return last, outputs, final


def _weights(kernel, recurrent_kernel, dtype):
    return convert_to_tensor(kernel).to(dtype).T, convert_to_tensor(recurrent_kernel).to(dtype).T


def lstm(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    """An LSTM with Keras's tanh/sigmoid gates over ``inputs (B, T, F)``.

    Keras's gate order i, f, c, o is torch's i, f, g, o, so the torch weights are the
    transposed Keras ones; the Keras bias is torch's input bias (the recurrent one is 0).
    """
    x = convert_to_tensor(inputs)
    weight_ih, weight_hh = _weights(kernel, recurrent_kernel, x.dtype)
    params = [weight_ih, weight_hh]
    if bias is not None:
        bias = convert_to_tensor(bias).to(x.dtype)
        params += [bias, torch.zeros_like(bias)]
    hidden = tuple(convert_to_tensor(state).to(x.dtype)[None] for state in initial_states)
    return _run(
        torch.lstm, x, hidden, params, bias is not None, mask, go_backwards, zero_output_for_mask
    )


def _gates_rzh(weight, units: int):
    """Keras's GRU gate blocks z, r, h (rows here) in torch's order r, z, n."""
    return torch.cat([weight[units : 2 * units], weight[:units], weight[2 * units :]])


def gru(
    inputs, initial_states, mask, kernel, recurrent_kernel, bias, go_backwards, zero_output_for_mask
):
    """A ``reset_after=True`` GRU with Keras's tanh/sigmoid gates over ``inputs (B, T, F)``.

    Torch's formulation, n = tanh(W_n x + b_in + r * (U_n h + b_hn)), is Keras's
    ``reset_after=True``; the bias rows are the input and recurrent biases.
    """
    x = convert_to_tensor(inputs)
    weight_ih, weight_hh = _weights(kernel, recurrent_kernel, x.dtype)
    units = weight_hh.shape[1]
    params = [_gates_rzh(weight_ih, units), _gates_rzh(weight_hh, units)]
    if bias is not None:
        bias = convert_to_tensor(bias).to(x.dtype)
        params += [_gates_rzh(bias[0], units), _gates_rzh(bias[1], units)]
    hidden = (convert_to_tensor(initial_states[0]).to(x.dtype)[None],)
    return _run(
        _gru_kernel, x, hidden, params, bias is not None, mask, go_backwards, zero_output_for_mask
    )


def _gru_kernel(x, *arguments):
    """``torch.gru`` takes ``hx`` as one tensor; ``_run`` hands every kernel a tuple."""
    if isinstance(arguments[0], tuple):  # padded: (x, hx, params, ...)
        hidden, *rest = arguments
        return torch.gru(x, hidden[0], *rest)
    batch_sizes, hidden, *rest = arguments  # packed: (data, batch_sizes, hx, params, ...)
    return torch.gru(x, batch_sizes, hidden[0], *rest)


def is_traced(x) -> bool:
    """The engine's scan is a Python loop: nothing is compiled, so never."""
    return False
