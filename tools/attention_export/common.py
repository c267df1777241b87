"""Notices, and the conversions every part of the exporter shares."""
import warnings

import torch


class ExportNotice(UserWarning):
    """Something the exporter did or saw that the user should know (a cast, a mode switch, NaN rows)."""


def notice(message):
    warnings.warn(message, ExportNotice, stacklevel=3)


def numpy64(t):
    """A tensor (any float dtype, any device, inference tensors included) as float64 NumPy."""
    return t.detach().to("cpu", torch.float64).numpy()


# The least precise first: the file's `precision` names the least precise dtype recorded.
PRECISIONS = ("float16", "bfloat16", "float32", "float64")


def precision_name(dtype):
    names = {torch.float16: "float16", torch.bfloat16: "bfloat16", torch.float32: "float32", torch.float64: "float64"}
    if dtype not in names:
        raise ValueError(f"attention tensors of dtype {dtype} are not supported (need a floating-point dtype)")
    return names[dtype]


def shape_text(t):
    return str(list(t.shape))


def is_bool_like(t):
    return t.dtype == torch.bool or not torch.is_floating_point(t)

