"""Running the model once and recording what each attention module computed.

PyTorch 1.13's forward hooks do not see keyword arguments (attn_mask, attention_mask, ...), so every
recorded module gets a wrapper on its instance's `forward` for the duration of the run, removed after.
The fused fast paths of nn.TransformerEncoderLayer and nn.MultiheadAttention (taken in eval mode when
no gradient is needed: frozen parameters, torch.no_grad, torch.inference_mode) never return weights,
so the run takes the path that does: each nn.TransformerEncoderLayer runs its reference forward,
nn.TransformerEncoder does not convert the batch to a nested tensor, and nn.MultiheadAttention is
given its key as a view (its fast path needs query, key and value to be one tensor object).
"""
import fnmatch
import inspect
from types import SimpleNamespace

import torch
from torch import nn

from . import masks as mask_tools
from .common import notice, shape_text


class Call(SimpleNamespace):
    """What a 4-argument adapter gets besides (module, inputs, output): `kwargs` (the call's keyword
    arguments), `arguments` (every argument by parameter name, defaults included), `captured`
    ({child name: output} of the children its `capture` attribute names, during this call) and
    `name` (the module's name in the model)."""


def _bind(module, args, kwargs):
    """{parameter name: value} of a call to the module's forward, defaults and **kwargs included."""
    try:
        signature = inspect.signature(type(module).forward)
        bound = signature.bind(module, *args, **kwargs)
    except (TypeError, ValueError):
        return dict(kwargs)
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    parameters = list(signature.parameters.values())
    arguments.pop(parameters[0].name, None)  # self
    for p in parameters:
        if p.kind == inspect.Parameter.VAR_KEYWORD and isinstance(arguments.get(p.name), dict):
            arguments.update(arguments.pop(p.name))
    return arguments


def _wrap_forward(module, forward):
    previous = vars(module).get("forward")
    module.forward = forward

    def restore():
        if previous is None:
            del module.forward  # the class's forward again
        else:
            module.forward = previous
    return restore


def _first_sequence(t, batch_first):
    """[n, e] of the first sequence from a batched (or unbatched) MHA input."""
    if t.dim() == 2:
        return t
    return t[0] if batch_first else t[:, 0]


def _mha_projections(module, query, key, value):
    """Per-head Q, K, V ([H, n, d]) of an nn.MultiheadAttention, as its forward computes them."""
    e = module.embed_dim
    if module._qkv_same_embed_dim:
        w_q, w_k, w_v = module.in_proj_weight.split(e)
    else:
        w_q, w_k, w_v = module.q_proj_weight, module.k_proj_weight, module.v_proj_weight
    b_q = b_k = b_v = None
    if module.in_proj_bias is not None:
        b_q, b_k, b_v = module.in_proj_bias.split(e)
    heads = module.num_heads

    def split(t):
        return t.reshape(t.shape[0], heads, -1).transpose(0, 1)

    return (split(nn.functional.linear(query, w_q, b_q)), split(nn.functional.linear(key, w_k, b_k)),
            split(nn.functional.linear(value, w_v, b_v)))


def record_mha(module, records, name):
    original = module.forward
    if module.bias_k is not None or module.add_zero_attn:
        raise ValueError(f"{name}: nn.MultiheadAttention with add_bias_kv or add_zero_attn is not supported: its "
                         f"keys are not projections of the input alone (leave it out with modules=)")

    def forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, **kwargs):
        role = "self" if query is key else "cross"
        k_arg, v_arg = key, value
        if query is key:  # a view is another tensor object: off the fast path, which returns no weights
            k_arg = key.view(key.shape)
            v_arg = k_arg if value is key else value
        output, weights = original(query, k_arg, v_arg, key_padding_mask=key_padding_mask, need_weights=True,
                                   attn_mask=attn_mask, average_attn_weights=False, **kwargs)
        if weights is None:
            raise ValueError(f"{name}: nn.MultiheadAttention returned no weights although asked for them")
        batched = query.dim() == 3
        q, k, v = _mha_projections(module, _first_sequence(query, module.batch_first),
                                   _first_sequence(key, module.batch_first), _first_sequence(value, module.batch_first))
        heads, n, m = q.shape[0], q.shape[1], k.shape[1]
        first_mask = attn_mask
        if attn_mask is not None and attn_mask.dim() == 3:
            first_mask = attn_mask[:heads]  # [batch * heads, n, m]: the first sequence's heads
        padding = key_padding_mask
        if padding is not None and batched and padding.dim() == 2:
            padding = padding[0]
        records.append({"name": name, "module": type(module).__name__, "role": role, "training": module.training,
                        "q": q, "k": k, "v": v, "weights": weights[0] if batched else weights,
                        **mask_tools.masks(first_mask, padding, heads, n, m, name)})
        if not need_weights:
            return output, None
        return output, (weights.mean(dim=-3) if average_attn_weights else weights)

    return _wrap_forward(module, forward)


def _per_head(t, what, where):
    """An adapter's per-head tensor: [H, n, d] (a batch axis of 1 is dropped, [n, d] is one head)."""
    if t is None:
        return None
    if not isinstance(t, torch.Tensor):
        raise ValueError(f"{where}: '{what}' is a {type(t).__name__}, not a tensor")
    if t.dim() == 2:
        return t[None]
    if t.dim() == 4 and t.shape[0] == 1:
        return t[0]
    if t.dim() != 3:
        hint = (f"; the leading axis {t.shape[0]} looks like a batch: export one sequence (a batch of 1) or return t[0]"
                if t.dim() == 4 else "")
        raise ValueError(f"{where}: returned '{what}' of shape {shape_text(t)}: per-head arrays are [H, n, d] "
                         f"(or [1, H, n, d] with a batch axis of 1){hint}")
    return t


def record_adapter(module, records, name, adapter):
    original = module.forward
    wants_call = len(inspect.signature(adapter).parameters) >= 4
    capture = [c for c in getattr(adapter, "capture", ()) if isinstance(getattr(module, c, None), nn.Module)]
    where = f"adapter for {type(module).__name__} ({name})"

    def forward(*args, **kwargs):
        captured, handles = {}, []
        for child in capture:
            def hook(mod, inputs, output, child=child):
                captured[child] = output
            handles.append(getattr(module, child).register_forward_hook(hook))
        try:
            output = original(*args, **kwargs)
        finally:
            for h in handles:
                h.remove()
        try:
            if wants_call:
                got = adapter(module, args, output, Call(kwargs=kwargs, arguments=_bind(module, args, kwargs),
                                                           captured=captured, name=name))
            else:
                got = adapter(module, args, output)
        except ValueError as e:
            raise ValueError(f"{name or 'the model'}: {e}") from e
        if not isinstance(got, dict):
            raise ValueError(f"{where} returned a {type(got).__name__}, not a dict")
        missing = {"q", "k"} - {key for key, value in got.items() if value is not None}
        if missing:
            raise ValueError(f"{where} returned no {sorted(missing)}")
        q, k = _per_head(got["q"], "q", where), _per_head(got["k"], "k", where)
        v, w = _per_head(got.get("v"), "v", where), _per_head(got.get("weights"), "weights", where)
        heads, n, m = q.shape[0], q.shape[1], k.shape[1]
        if k.shape[0] != heads or k.shape[2] != q.shape[2]:
            raise ValueError(f"{where}: 'q' of shape {shape_text(q)} and 'k' of shape {shape_text(k)} do not match")
        if w is not None and tuple(w.shape) != (heads, n, m):
            raise ValueError(f"{where}: 'weights' of shape {shape_text(w)} for {heads} heads, {n} queries, {m} keys")
        attn_mask = got.get("attn_mask")
        label = got.get("mask")  # format 1 adapters named their mask: 'none', 'causal' or 'other'
        if attn_mask is None and label == "causal":
            attn_mask = torch.ones(n, m, dtype=torch.bool).triu(1)
        elif attn_mask is None and label not in (None, "none"):
            notice(f"{where}: the adapter names its mask '{label}' but returns no 'attn_mask'; the file cannot "
                   f"apply it")
        role = got.get("role") or ("cross" if n != m else "self")
        records.append({"name": name, "module": type(module).__name__, "role": role,
                        "training": module.training and not got.get("weights_without_dropout", False),
                        "q": q, "k": k, "v": v, "weights": w,
                        **mask_tools.masks(attn_mask, got.get("key_padding_mask"), heads, n, m, where)})
        return output

    return _wrap_forward(module, forward)


# ---- Off the fused fast paths

def _reference_encoder_layer_forward(layer):
    """nn.TransformerEncoderLayer's own forward without its fast path (the code after it in 1.13-2.x)."""
    causal_kwarg = "is_causal" in inspect.signature(layer._sa_block).parameters

    def forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        extra = {"is_causal": is_causal} if causal_kwarg else {}
        x = src
        if layer.norm_first:
            x = x + layer._sa_block(layer.norm1(x), src_mask, src_key_padding_mask, **extra)
            x = x + layer._ff_block(layer.norm2(x))
        else:
            x = layer.norm1(x + layer._sa_block(x, src_mask, src_key_padding_mask, **extra))
            x = layer.norm2(x + layer._ff_block(x))
        return x
    return forward


def leave_fast_paths(model):
    """Makes every built-in transformer module of `model` take its weight-returning path; returns undo
    functions."""
    undo = []
    for module in model.modules():
        if isinstance(module, nn.TransformerEncoderLayer):
            undo.append(_wrap_forward(module, _reference_encoder_layer_forward(module)))
        if isinstance(module, nn.TransformerEncoder):
            for flag in ("enable_nested_tensor", "use_nested_tensor"):
                if getattr(module, flag, False):
                    setattr(module, flag, False)
                    undo.append(lambda module=module, flag=flag: setattr(module, flag, True))
    return undo


# ---- Which modules, and the model's state around the run

def refuse_torchscript(model):
    scripted = [name or type(model).__name__ for name, m in model.named_modules()
                if isinstance(m, torch.jit.ScriptModule)]
    if isinstance(model, torch.jit.ScriptModule) or scripted:
        which = "the model" if isinstance(model, torch.jit.ScriptModule) else "modules " + ", ".join(scripted)
        raise ValueError(f"{which} is TorchScript (torch.jit.script or torch.jit.trace): its attention modules run "
                         f"inside the TorchScript interpreter, where they cannot be recorded or asked for their "
                         f"weights. Export the eager model instead: the nn.Module you scripted or traced, or a "
                         f"fresh instance of its class with load_state_dict(scripted.state_dict())")


def _matches(name, module, selector):
    if isinstance(selector, type):
        return isinstance(module, selector)
    selector = str(selector)
    return (name == selector or name.startswith(selector + ".") or fnmatch.fnmatchcase(name, selector)
            or type(module).__name__ == selector)


def attention_modules(model, adapters, modules):
    """[(name, module, adapter or None)] of the attention modules to record, outermost first; an
    attention module inside another recorded one is left to it."""
    from .adapters import adapter_for
    found, inside = [], []
    for name, module in model.named_modules():
        if any(name.startswith(prefix) for prefix in inside):
            continue
        adapter = adapter_for(module, name, adapters)
        if adapter is None and not isinstance(module, nn.MultiheadAttention):
            continue
        found.append((name, module, adapter))
        inside.append(name + "." if name else "")
    if not found:
        raise ValueError("the model has no nn.MultiheadAttention and no module an adapter names (Hugging Face "
                         "BertSelfAttention or GPT2Attention, TransformerLens-style hook_q/hook_k/hook_pattern, or "
                         "adapters={'ClassName': function})")
    if modules is None:
        return found
    chosen = [f for f in found if any(_matches(f[0], f[1], s) for s in modules)]
    if not chosen:
        names = ", ".join(name or "(the model)" for name, _, _ in found)
        shown = [s.__name__ if isinstance(s, type) else str(s) for s in modules]
        raise ValueError(f"modules={shown} matches none of the attention modules: {names}")
    return chosen


def set_mode(model, keep_training):
    """Eval mode for the run unless keep_training; returns the function that restores every module's mode."""
    modes = [(m, m.training) for m in model.modules()]
    training = any(flag for _, flag in modes)
    if training and not keep_training:
        model.eval()
        notice("the model was in training mode: it is exported in eval mode (no dropout), and put back in "
               "training mode afterwards; export(..., keep_training=True) exports the weights after dropout")

    def restore():
        for m, flag in modes:
            m.training = flag
    return restore
