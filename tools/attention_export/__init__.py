"""The exporter behind tools/export_attention.py (whose docstring specifies the file format)."""
import os

import numpy as np
import torch

from . import archive, recording
from .adapters import ADAPTERS, bert_self_attention, gpt2_attention, hooked_attention
from .common import ExportNotice
from .recording import Call

__all__ = ["export", "ExportNotice", "ADAPTERS", "Call", "bert_self_attention", "gpt2_attention", "hooked_attention"]


def export(model, inputs, path, tokens=None, adapters=None, dtype=np.float32, *, modules=None, keep_training=False,
           src_tokens=None, tgt_tokens=None, **forward_kwargs):
    """Runs model(*inputs, **forward_kwargs) once and writes every attention head to `path` (.npz).

    tokens:        the sequence's tokens (self-attention); src_tokens / tgt_tokens: the source's and the
                   target's, for encoder-decoder and cross-attention models (keys from the source).
    adapters:      {class name or class: function}, for attention modules other than nn.MultiheadAttention
                   and the shipped adapters (attention_export.ADAPTERS); see attention_export.adapters.
    modules:       record only these attention modules: names ('decoder.layers.0.self_attn'), prefixes
                   ('decoder'), glob patterns ('*.multihead_attn'), class names or classes.
    keep_training: run in training mode if the model is in it (the weights are then after dropout, and
                   the file says so); by default the run is in eval mode and the mode is restored after.
    dtype:         of the numbers written (np.float32, or np.float64).
    Returns the dict of arrays written. Notices (ExportNotice warnings) say what was changed and why."""
    recording.refuse_torchscript(model)
    chosen = recording.attention_modules(model, adapters, modules)
    records, undo = [], []
    restore_mode = recording.set_mode(model, keep_training)
    try:
        undo.extend(recording.leave_fast_paths(model))
        for name, module, adapter in chosen:
            if adapter is None:
                undo.append(recording.record_mha(module, records, name))
            else:
                undo.append(recording.record_adapter(module, records, name, adapter))
        with torch.no_grad():
            model(*inputs, **forward_kwargs)
    finally:
        for restore in reversed(undo):
            restore()
        restore_mode()
    if not records:
        names = ", ".join(name or "(the model)" for name, _, _ in chosen)
        raise ValueError(f"no attention module ran during the forward pass (recorded: {names})")
    # Dropout reached the weights when a module that produced them ran in training mode (adapters that
    # recompute the weights without the module's dropout say so: weights_without_dropout).
    dropout_applied = any(r["training"] and r.get("weights") is not None for r in records)
    arrays = archive.build(records, path, tokens=tokens, src_tokens=src_tokens, tgt_tokens=tgt_tokens, dtype=dtype,
                           dropout_applied=dropout_applied)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise OSError(f"{path}: no directory {directory}")
    np.savez_compressed(path, **arrays)
    return arrays
