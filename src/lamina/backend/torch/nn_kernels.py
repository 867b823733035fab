"""Native torch kernels for neural-network composites written once in ``lamina.ops``.

Optional engine kernels (see ``backend/contract.py``, OPTIONAL): ``lamina.ops.ctc`` uses
``ctc_loss`` here instead of its scan of the forward recursion, and
tests/ops/test_ctc.py checks that the two agree.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.backend.torch.core import convert_to_tensor


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """torch's CTC loss, per batch entry, on Keras's (batch, time, classes) logits."""
    output = convert_to_tensor(output)
    if output.dtype not in (torch.float32, torch.float64):
        output = output.to(torch.float32)  # as tf.nn.ctc_loss: half precision computes in float32
    log_probs = F.log_softmax(output.transpose(0, 1), dim=-1)  # (T, B, K), torch's layout
    return F.ctc_loss(
        log_probs,
        convert_to_tensor(target).to(torch.int64),
        convert_to_tensor(output_length).to(torch.int64),
        convert_to_tensor(target_length).to(torch.int64),
        blank=mask_index,
        reduction="none",
    )
