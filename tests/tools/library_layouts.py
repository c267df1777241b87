"""Hand-written stand-ins for the attention modules of libraries that Debian does not ship, with the same
class names, parameter names and shapes, forward signatures, mask conventions and outputs:

- Hugging Face transformers 4.26-4.47 (eager attention): `BertSelfAttention` (separate query/key/value
  nn.Linear, additive extended mask (1 - mask) * finfo.min of shape [B, 1, 1, m], called positionally
  by `BertAttention`), `GPT2Attention` (fused `c_attn` Conv1D with weight [nx, 3 nx], a boolean `bias`
  buffer [1, 1, P, P] for the causal mask filled with finfo.min, called with keywords by `GPT2Block`).
- TransformerLens 1.x-2.x `Attention`: W_Q/W_K/W_V [H, d_model, d_head], hook points `hook_q`,
  `hook_k`, `hook_v` ([batch, pos, head, d_head]), `hook_attn_scores` and `hook_pattern` ([batch, head,
  query, key]), an `IGNORE` buffer of -inf and `attn_scale`.

Tiny models built from them serve the exporter's tests; nothing here imports those libraries.
"""
import math
from types import SimpleNamespace

import torch
from torch import nn


# ---- Hugging Face BERT

def bert_config(**overrides):
    config = dict(hidden_size=16, num_attention_heads=4, attention_probs_dropout_prob=0.0, hidden_dropout_prob=0.0,
                  layer_norm_eps=1e-12, is_decoder=False, add_cross_attention=False,
                  position_embedding_type="absolute", vocab_size=50, max_position_embeddings=64,
                  num_hidden_layers=2, intermediate_size=32)
    config.update(overrides)
    return SimpleNamespace(**config)


class BertSelfAttention(nn.Module):
    def __init__(self, config, position_embedding_type=None):
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = int(config.hidden_size / config.num_attention_heads)
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)
        self.position_embedding_type = position_embedding_type or config.position_embedding_type
        self.is_decoder = config.is_decoder

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask=None, head_mask=None, encoder_hidden_states=None,
                encoder_attention_mask=None, past_key_value=None, output_attentions=False):
        mixed_query_layer = self.query(hidden_states)
        if encoder_hidden_states is not None:
            key_layer = self.transpose_for_scores(self.key(encoder_hidden_states))
            value_layer = self.transpose_for_scores(self.value(encoder_hidden_states))
            attention_mask = encoder_attention_mask
        else:
            key_layer = self.transpose_for_scores(self.key(hidden_states))
            value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        if attention_mask is not None:
            attention_scores = attention_scores + attention_mask
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        if head_mask is not None:
            attention_probs = attention_probs * head_mask
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        context_layer = context_layer.view(context_layer.size()[:-2] + (self.all_head_size,))
        outputs = (context_layer, attention_probs) if output_attentions else (context_layer,)
        if self.is_decoder:
            outputs = outputs + (None,)
        return outputs


class BertSelfOutput(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden_states, attention_mask=None, head_mask=None, encoder_hidden_states=None,
                encoder_attention_mask=None, past_key_value=None, output_attentions=False):
        self_outputs = self.self(hidden_states, attention_mask, head_mask, encoder_hidden_states,
                                 encoder_attention_mask, past_key_value, output_attentions)
        attention_output = self.output(self_outputs[0], hidden_states)
        return (attention_output,) + self_outputs[1:]


class BertLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.attention = BertAttention(config)
        if config.add_cross_attention:
            self.crossattention = BertAttention(config)
        self.intermediate = nn.Sequential(nn.Linear(config.hidden_size, config.intermediate_size), nn.GELU())
        self.output_dense = nn.Linear(config.intermediate_size, config.hidden_size)
        self.output_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states, attention_mask=None, encoder_hidden_states=None, encoder_attention_mask=None,
                output_attentions=False):
        outputs = self.attention(hidden_states, attention_mask, None, output_attentions=output_attentions)
        x = outputs[0]
        extra = outputs[1:]
        if encoder_hidden_states is not None:
            cross = self.crossattention(x, attention_mask, None, encoder_hidden_states, encoder_attention_mask,
                                        None, output_attentions)
            x = cross[0]
            extra = extra + cross[1:]
        x = self.output_norm(self.output_dense(self.intermediate(x)) + x)
        return (x,) + extra


class TinyBert(nn.Module):
    """Word and position embeddings, BertLayers; the extended attention mask as BertModel makes it."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])

    @staticmethod
    def extended_mask(mask, dtype):
        """[B, m] of 1 (attend) / 0 (padding) -> [B, 1, 1, m] additive, as get_extended_attention_mask."""
        extended = mask[:, None, None, :].to(dtype)
        return (1.0 - extended) * torch.finfo(dtype).min

    def forward(self, input_ids, attention_mask=None, encoder_hidden_states=None, encoder_attention_mask=None,
                output_attentions=False):
        positions = torch.arange(input_ids.shape[1])
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions)[None]
        mask = None if attention_mask is None else self.extended_mask(attention_mask, x.dtype)
        enc_mask = None if encoder_attention_mask is None else self.extended_mask(encoder_attention_mask, x.dtype)
        attentions = ()
        for layer in self.layer:
            out = layer(x, mask, encoder_hidden_states, enc_mask, output_attentions)
            x = out[0]
            attentions = attentions + out[1:]
        return (x, attentions) if output_attentions else (x,)


# ---- Hugging Face GPT-2

def gpt2_config(**overrides):
    config = dict(hidden_size=16, num_attention_heads=4, max_position_embeddings=64, attn_pdrop=0.0,
                  resid_pdrop=0.0, scale_attn_weights=True, scale_attn_by_inverse_layer_idx=False,
                  reorder_and_upcast_attn=False, layer_norm_epsilon=1e-5, vocab_size=50, num_hidden_layers=2)
    config.update(overrides)
    return SimpleNamespace(**config)


class Conv1D(nn.Module):
    """transformers.pytorch_utils.Conv1D: a linear layer with its weight stored transposed, [nx, nf]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.zeros(nf))
        nn.init.normal_(self.weight, std=0.3)  # sharper than GPT-2's 0.02, so heads are not uniform

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class GPT2Attention(nn.Module):
    def __init__(self, config, is_cross_attention=False, layer_idx=None):
        super().__init__()
        max_positions = config.max_position_embeddings
        self.register_buffer("bias", torch.tril(torch.ones((max_positions, max_positions), dtype=torch.bool)).view(
            1, 1, max_positions, max_positions), persistent=False)
        self.register_buffer("masked_bias", torch.tensor(-1e4), persistent=False)
        self.embed_dim = config.hidden_size
        self.num_heads = config.num_attention_heads
        self.head_dim = self.embed_dim // self.num_heads
        self.split_size = self.embed_dim
        self.scale_attn_weights = config.scale_attn_weights
        self.is_cross_attention = is_cross_attention
        self.scale_attn_by_inverse_layer_idx = config.scale_attn_by_inverse_layer_idx
        self.layer_idx = layer_idx
        self.reorder_and_upcast_attn = config.reorder_and_upcast_attn
        if self.is_cross_attention:
            self.c_attn = Conv1D(2 * self.embed_dim, self.embed_dim)
            self.q_attn = Conv1D(self.embed_dim, self.embed_dim)
        else:
            self.c_attn = Conv1D(3 * self.embed_dim, self.embed_dim)
        self.c_proj = Conv1D(self.embed_dim, self.embed_dim)
        self.attn_dropout = nn.Dropout(config.attn_pdrop)
        self.resid_dropout = nn.Dropout(config.resid_pdrop)

    def _attn(self, query, key, value, attention_mask=None, head_mask=None):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        if self.scale_attn_weights:
            attn_weights = attn_weights / torch.full([], value.size(-1) ** 0.5, dtype=attn_weights.dtype)
        if self.scale_attn_by_inverse_layer_idx:
            attn_weights = attn_weights / float(self.layer_idx + 1)
        if not self.is_cross_attention:
            query_length, key_length = query.size(-2), key.size(-2)
            causal_mask = self.bias[:, :, key_length - query_length: key_length, :key_length]
            mask_value = torch.full([], torch.finfo(attn_weights.dtype).min, dtype=attn_weights.dtype)
            attn_weights = torch.where(causal_mask, attn_weights.to(attn_weights.dtype), mask_value)
        if attention_mask is not None:
            attn_weights = attn_weights + attention_mask
        attn_weights = nn.functional.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        attn_weights = self.attn_dropout(attn_weights)
        if head_mask is not None:
            attn_weights = attn_weights * head_mask
        return torch.matmul(attn_weights, value), attn_weights

    def _split_heads(self, tensor, num_heads, attn_head_size):
        return tensor.view(tensor.size()[:-1] + (num_heads, attn_head_size)).permute(0, 2, 1, 3)

    def _merge_heads(self, tensor, num_heads, attn_head_size):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        return tensor.view(tensor.size()[:-2] + (num_heads * attn_head_size,))

    def forward(self, hidden_states, layer_past=None, attention_mask=None, head_mask=None,
                encoder_hidden_states=None, encoder_attention_mask=None, use_cache=False, output_attentions=False):
        if encoder_hidden_states is not None:
            query = self.q_attn(hidden_states)
            key, value = self.c_attn(encoder_hidden_states).split(self.split_size, dim=2)
            attention_mask = encoder_attention_mask
        else:
            query, key, value = self.c_attn(hidden_states).split(self.split_size, dim=2)
        query = self._split_heads(query, self.num_heads, self.head_dim)
        key = self._split_heads(key, self.num_heads, self.head_dim)
        value = self._split_heads(value, self.num_heads, self.head_dim)
        if layer_past is not None:
            past_key, past_value = layer_past
            key = torch.cat((past_key, key), dim=-2)
            value = torch.cat((past_value, value), dim=-2)
        present = (key, value) if use_cache else None
        attn_output, attn_weights = self._attn(query, key, value, attention_mask, head_mask)
        attn_output = self.resid_dropout(self.c_proj(self._merge_heads(attn_output, self.num_heads, self.head_dim)))
        outputs = (attn_output, present)
        if output_attentions:
            outputs += (attn_weights,)
        return outputs


class GPT2Block(nn.Module):
    def __init__(self, config, layer_idx=None):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)
        self.attn = GPT2Attention(config, layer_idx=layer_idx)
        self.ln_2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)
        self.mlp = nn.Sequential(Conv1D(4 * config.hidden_size, config.hidden_size), nn.GELU(),
                                 Conv1D(config.hidden_size, 4 * config.hidden_size))

    def forward(self, hidden_states, layer_past=None, attention_mask=None, head_mask=None, use_cache=False,
                output_attentions=False):
        attn_outputs = self.attn(self.ln_1(hidden_states), layer_past=layer_past, attention_mask=attention_mask,
                                 head_mask=head_mask, use_cache=use_cache, output_attentions=output_attentions)
        hidden_states = attn_outputs[0] + hidden_states
        hidden_states = hidden_states + self.mlp(self.ln_2(hidden_states))
        return (hidden_states,) + attn_outputs[1:]


class TinyGPT2(nn.Module):
    """wte + wpe, GPT2Blocks, ln_f; attention_mask [B, m] of 1/0 -> (1 - mask) * finfo.min, as GPT2Model."""

    def __init__(self, config):
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.hidden_size)
        self.wpe = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.h = nn.ModuleList([GPT2Block(config, layer_idx=i) for i in range(config.num_hidden_layers)])
        self.ln_f = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_epsilon)

    def forward(self, input_ids, attention_mask=None, output_attentions=False):
        x = self.wte(input_ids) + self.wpe(torch.arange(input_ids.shape[1]))[None]
        if attention_mask is not None:
            attention_mask = attention_mask[:, None, None, :].to(x.dtype)
            attention_mask = (1.0 - attention_mask) * torch.finfo(x.dtype).min
        attentions = ()
        for block in self.h:
            out = block(x, attention_mask=attention_mask, output_attentions=output_attentions)
            x = out[0]
            if output_attentions:
                attentions = attentions + (out[2],)
        return self.ln_f(x), attentions


# ---- TransformerLens

class HookPoint(nn.Module):
    """An identity module that hooks attach to (transformer_lens.hook_points.HookPoint)."""

    def forward(self, x):
        return x


def hooked_config(**overrides):
    config = dict(n_heads=4, d_model=16, d_head=4, n_ctx=64, attention_dir="causal", use_attn_scale=True,
                  d_vocab=50, n_layers=2)
    config.update(overrides)
    return SimpleNamespace(**config)


class Attention(nn.Module):
    def __init__(self, cfg, layer_id=None):
        super().__init__()
        self.cfg = cfg
        h, dm, dh = cfg.n_heads, cfg.d_model, cfg.d_head
        self.W_Q = nn.Parameter(torch.randn(h, dm, dh) * 0.4)
        self.W_K = nn.Parameter(torch.randn(h, dm, dh) * 0.4)
        self.W_V = nn.Parameter(torch.randn(h, dm, dh) * 0.4)
        self.W_O = nn.Parameter(torch.randn(h, dh, dm) * 0.4)
        self.b_Q = nn.Parameter(torch.randn(h, dh) * 0.1)
        self.b_K = nn.Parameter(torch.randn(h, dh) * 0.1)
        self.b_V = nn.Parameter(torch.zeros(h, dh))
        self.b_O = nn.Parameter(torch.zeros(dm))
        self.register_buffer("mask", torch.tril(torch.ones((cfg.n_ctx, cfg.n_ctx)).bool()))
        self.register_buffer("IGNORE", torch.tensor(-torch.inf))
        self.layer_id = layer_id
        self.attn_scale = math.sqrt(dh) if cfg.use_attn_scale else 1.0
        self.hook_k = HookPoint()
        self.hook_q = HookPoint()
        self.hook_v = HookPoint()
        self.hook_z = HookPoint()
        self.hook_attn_scores = HookPoint()
        self.hook_pattern = HookPoint()
        self.hook_result = HookPoint()

    def apply_causal_mask(self, attn_scores, past_kv_pos_offset=0, attention_mask=None):
        query_ctx, key_ctx = attn_scores.size(-2), attn_scores.size(-1)
        final_mask = self.mask[None, None, -query_ctx:, -key_ctx:]
        if attention_mask is not None:
            final_mask = final_mask & attention_mask[:, None, None, -key_ctx:].bool()
        return torch.where(final_mask, attn_scores, self.IGNORE)

    def forward(self, query_input, key_input, value_input, past_kv_cache_entry=None, additive_attention_mask=None,
                attention_mask=None, position_bias=None):
        q = self.hook_q(torch.einsum("bpm,hmd->bphd", query_input, self.W_Q) + self.b_Q)
        k = self.hook_k(torch.einsum("bpm,hmd->bphd", key_input, self.W_K) + self.b_K)
        v = self.hook_v(torch.einsum("bpm,hmd->bphd", value_input, self.W_V) + self.b_V)
        attn_scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / self.attn_scale
        if self.cfg.attention_dir == "causal":
            attn_scores = self.apply_causal_mask(attn_scores, 0, attention_mask)
        if additive_attention_mask is not None:
            attn_scores = attn_scores + additive_attention_mask
        attn_scores = self.hook_attn_scores(attn_scores)
        pattern = torch.softmax(attn_scores, dim=-1)
        pattern = torch.where(torch.isnan(pattern), torch.zeros_like(pattern), pattern)
        pattern = self.hook_pattern(pattern)
        z = self.hook_z(torch.einsum("bkhd,bhqk->bqhd", v, pattern))
        return torch.einsum("bqhd,hdm->bqm", z, self.W_O) + self.b_O


class TransformerBlock(nn.Module):
    def __init__(self, cfg, block_index):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg, layer_id=block_index)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, 4 * cfg.d_model), nn.GELU(), nn.Linear(4 * cfg.d_model, cfg.d_model))
        self.hook_resid_pre = HookPoint()

    def forward(self, resid_pre, attention_mask=None):
        resid_pre = self.hook_resid_pre(resid_pre)
        attn_in = self.ln1(resid_pre)
        resid_mid = resid_pre + self.attn(query_input=attn_in, key_input=attn_in, value_input=attn_in,
                                          attention_mask=attention_mask)
        return resid_mid + self.mlp(self.ln2(resid_mid))


class TinyHookedTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.d_vocab, cfg.d_model)
        self.pos_embed = nn.Embedding(cfg.n_ctx, cfg.d_model)
        self.blocks = nn.ModuleList([TransformerBlock(cfg, i) for i in range(cfg.n_layers)])

    def forward(self, tokens, attention_mask=None):
        x = self.embed(tokens) + self.pos_embed(torch.arange(tokens.shape[1]))[None]
        for block in self.blocks:
            x = block(x, attention_mask=attention_mask)
        return x
