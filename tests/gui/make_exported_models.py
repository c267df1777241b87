#!/usr/bin/python3
"""Exports the model files the app's model-file tests open, with tools/export_attention.py (Debian's
python3-torch), as a researcher would: the issue-17 reproducers.

    make_exported_models.py OUT_DIR

  bert_padding.npz  a BERT-like encoder (Hugging Face BertSelfAttention layout) with 3 padded keys
  gpt_finfo.npz     a GPT-like decoder (GPT2Attention layout): causal mask filled with finfo.min, left padding
  enc_dec.npz       nn.Transformer with a source of 9 tokens and a target of 6: encoder, decoder, cross groups
  training.npz      an encoder kept in training mode with dropout 0.5 (dropout_applied 'true')
  bf16.npz          a bfloat16 encoder with a causal mask (precision 'bfloat16')
  three_heads.npz   a 1-layer encoder with 3 heads
"""
import os
import sys
import warnings

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from export_attention import export  # noqa: E402
import library_layouts as lib  # noqa: E402

torch.set_num_threads(1)


def encoder(width=16, heads=2, layers=2, dropout=0.0, seed=0):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(width, heads, dim_feedforward=32, dropout=dropout, batch_first=True)
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


def tokens(n, width=16, seed=1):
    return torch.randn(1, n, width, generator=torch.Generator().manual_seed(seed))


def main(out):
    os.makedirs(out, exist_ok=True)
    path = lambda name: os.path.join(out, name)  # noqa: E731
    warnings.simplefilter("ignore")

    torch.manual_seed(10)
    bert = lib.TinyBert(lib.bert_config(num_hidden_layers=2)).eval()
    ids = torch.randint(0, 50, (1, 10))
    mask = torch.ones(1, 10, dtype=torch.long)
    mask[0, -3:] = 0
    export(bert, (ids,), path("bert_padding.npz"), attention_mask=mask, output_attentions=True,
           tokens=[f"w{i}" for i in range(7)] + ["[PAD]"] * 3)

    torch.manual_seed(11)
    gpt = lib.TinyGPT2(lib.gpt2_config(num_hidden_layers=2)).eval()
    ids = torch.randint(0, 50, (1, 12))
    mask = torch.ones(1, 12, dtype=torch.long)
    mask[0, :2] = 0
    export(gpt, (ids,), path("gpt_finfo.npz"), attention_mask=mask, output_attentions=True)

    torch.manual_seed(17)
    transformer = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                                 dim_feedforward=32, dropout=0.0, batch_first=True).eval()
    padding = torch.zeros(1, 9, dtype=torch.bool)
    padding[0, -2:] = True
    export(transformer, (tokens(9, seed=18), tokens(6, seed=19)), path("enc_dec.npz"),
           tgt_mask=nn.Transformer.generate_square_subsequent_mask(6), src_key_padding_mask=padding,
           memory_key_padding_mask=padding, src_tokens=[f"s{i}" for i in range(9)],
           tgt_tokens=[f"t{i}" for i in range(6)])

    export(encoder(dropout=0.5).train(), (tokens(10),), path("training.npz"), keep_training=True)

    causal = torch.ones(10, 10, dtype=torch.bool).triu(1)
    export(encoder().to(torch.bfloat16).eval(), (tokens(10).to(torch.bfloat16),), path("bf16.npz"), mask=causal)

    export(encoder(width=12, heads=3, layers=1).eval(), (tokens(8, width=12),), path("three_heads.npz"))


if __name__ == "__main__":
    main(sys.argv[1])
