#!/usr/bin/python3
"""The five models of issue 17 and an encoder-decoder, exported with tools/export_attention.py. For
each, every head's weights are recomputed in NumPy from the file's q, k and masks (softmax of
q.k/sqrt(d) + attn_bias, blocked entries and padded keys at 0) and compared with the model's own
weights in the file. The worst |W_recomputed - W_model| per model kind is printed at the end.

    /usr/bin/python3 tests/tools/export_models_test.py --cli build/bin/attention-cli
"""
import numpy as np
import torch
from torch import nn

import export_testing
import library_layouts as lib
from export_testing import ExportTestCase, ref

GAPS = {}


def encoder(width, heads, layers, seed, **kwargs):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(width, heads, dim_feedforward=2 * width, dropout=0.0, batch_first=True,
                                       **kwargs)
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


class TinyViT(nn.Module):
    """16x16 patches of a 224x224 image and a class token: 197 tokens; pre-norm GELU encoder."""

    def __init__(self, width=32, heads=4, layers=2):
        super().__init__()
        torch.manual_seed(7)
        self.patch = nn.Conv2d(3, width, kernel_size=16, stride=16)
        self.cls = nn.Parameter(torch.randn(1, 1, width))
        self.position = nn.Parameter(torch.randn(1, 197, width) * 0.5)
        self.encoder = encoder(width, heads, layers, seed=8, activation="gelu", norm_first=True)

    def forward(self, images):
        x = self.patch(images).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.position
        return self.encoder(x)


class Captioner(nn.Module):
    """Text queries (width 16) attend image features (width 24) through nn.MultiheadAttention with
    kdim = vdim = 24: cross-attention only, with separate projection weights."""

    def __init__(self, layers=2):
        super().__init__()
        torch.manual_seed(9)
        self.layers = nn.ModuleList([nn.MultiheadAttention(16, 2, kdim=24, vdim=24, batch_first=True)
                                     for _ in range(layers)])

    def forward(self, text, image, image_padding):
        for attn in self.layers:
            text = text + attn(text, image, image, key_padding_mask=image_padding)[0]
        return text


class ModelKindTests(ExportTestCase):
    @classmethod
    def tearDownClass(cls):
        print("\nworst |W_recomputed - W_model| with the file's masks applied:")
        for kind, (gap, detail) in GAPS.items():
            print(f"  {kind:<36} {gap:.3e}   {detail}")

    def record(self, kind, groups, detail, tolerance=export_testing.TOLERANCE):
        gap = max(self.assert_reproduces(members, tolerance, where=f"{kind} {g}") for g, members in groups.items())
        GAPS[kind] = (gap, detail)
        return gap

    def test_1_bert_like_encoder_with_key_padding(self):
        torch.manual_seed(10)
        model = lib.TinyBert(lib.bert_config(num_hidden_layers=2)).eval()
        ids = torch.randint(0, 50, (1, 10))
        attention_mask = torch.ones(1, 10, dtype=torch.long)
        attention_mask[0, -3:] = 0
        groups, _ = self.export(model, (ids,), attention_mask=attention_mask, output_attentions=True,
                                tokens=[f"w{i}" for i in range(7)] + ["[PAD]"] * 3)
        members = groups[""]
        self.assertEqual(list(members["layer_names"]), ["layer.0.attention.self", "layer.1.attention.self"])
        self.assertEqual(ref.text(members, "mask_kind"), ["padding", "padding"])
        np.testing.assert_array_equal(members["key_padding"], [[0] * 7 + [1] * 3] * 2)
        self.assertEqual(members["weights"][..., -3:].max(), 0.0)
        self.record("BERT-like encoder, key padding", groups, "HF BertSelfAttention layout, finfo.min padding, L2 H4 n10")

    def test_2_gpt_like_decoder_through_an_adapter(self):
        torch.manual_seed(11)
        model = lib.TinyGPT2(lib.gpt2_config(num_hidden_layers=2)).eval()
        ids = torch.randint(0, 50, (1, 12))
        attention_mask = torch.ones(1, 12, dtype=torch.long)
        attention_mask[0, :2] = 0  # left padding
        groups, notices = self.export(model, (ids,), attention_mask=attention_mask, output_attentions=True)
        members = groups[""]
        self.assertEqual(ref.text(members, "mask_kind"), ["causal+padding", "causal+padding"])
        self.assertEqual(ref.text(members, "mask"), ["other"])
        np.testing.assert_array_equal(members["blocked"][0], np.triu(np.ones((12, 12)), 1))
        np.testing.assert_array_equal(members["key_padding"][:, :2], 1.0)
        self.assertTrue(np.isnan(members["weights"][:, :, :2]).all(), "rows with every key masked are undefined")
        self.assert_notice(notices, "undefined")
        self.record("GPT-like decoder, adapter, finfo.min", groups,
                    "HF GPT2Attention layout (Conv1D c_attn), causal finfo.min + left padding, L2 H4 n12")

    def test_3_vit_like_with_197_tokens(self):
        model = TinyViT().eval()
        model.requires_grad_(False)
        images = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(12))
        tokens = ["[CLS]"] + [f"p{r},{c}" for r in range(14) for c in range(14)]
        with torch.inference_mode():
            groups, _ = self.export(model, (images,), tokens=tokens)
        members = groups[""]
        self.assertEqual(members["q"].shape, (2, 4, 197, 8))
        self.assertEqual(ref.text(members, "mask_kind"), ["none", "none"])
        self.assertEqual(ref.text(members, "tokens"), tokens)
        self.record("ViT-like, 197 tokens", groups, "frozen, inference mode, pre-norm, L2 H4 n197")
        self.assert_cli_reproduces(self.path("run.npz"), members)

    def test_4_causal_model_with_2048_tokens(self):
        model = encoder(8, 2, 1, seed=13).eval()
        n = 2048
        x = torch.randn(1, n, 8, generator=torch.Generator().manual_seed(14))
        groups, _ = self.export(model, (x,), mask=nn.Transformer.generate_square_subsequent_mask(n))
        members = groups[""]
        self.assertEqual(members["weights"].shape, (1, 2, n, n))
        self.assertEqual(ref.text(members, "mask"), ["causal"])
        self.record("causal, 2048 tokens", groups, "nn.TransformerEncoderLayer, -inf causal mask, L1 H2 n2048 d4")
        self.assert_cli_reproduces(self.path("run.npz"), members)

    def test_5_cross_attention(self):
        model = Captioner().eval()
        text = torch.randn(1, 7, 16, generator=torch.Generator().manual_seed(15))
        image = torch.randn(1, 12, 24, generator=torch.Generator().manual_seed(16))
        padding = torch.zeros(1, 12, dtype=torch.bool)
        padding[0, -2:] = True
        words = "a cat on a warm mat .".split()
        regions = [f"r{i}" for i in range(12)]
        groups, _ = self.export(model, (text, image, padding), tgt_tokens=words, src_tokens=regions)
        members = groups[""]
        self.assertEqual(ref.text(members, "role"), ["cross"])
        self.assertEqual(members["weights"].shape, (2, 2, 7, 12))
        self.assertEqual(ref.text(members, "tokens"), words)
        self.assertEqual(ref.text(members, "key_tokens"), regions)
        self.assertEqual(ref.text(members, "mask_kind"), ["padding", "padding"])
        self.record("cross-attention", groups, "nn.MultiheadAttention kdim=vdim=24, key padding, L2 H2 n7 m12")

    def test_6_encoder_decoder_with_source_and_target_of_different_lengths(self):
        torch.manual_seed(17)
        model = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=32,
                               dropout=0.0, batch_first=True).eval()
        src = torch.randn(1, 9, 16, generator=torch.Generator().manual_seed(18))
        tgt = torch.randn(1, 6, 16, generator=torch.Generator().manual_seed(19))
        padding = torch.zeros(1, 9, dtype=torch.bool)
        padding[0, -2:] = True
        groups, _ = self.export(model, (src, tgt), tgt_mask=nn.Transformer.generate_square_subsequent_mask(6),
                                src_key_padding_mask=padding, memory_key_padding_mask=padding,
                                src_tokens=[f"s{i}" for i in range(9)], tgt_tokens=[f"t{i}" for i in range(6)])
        self.assertEqual(list(groups), ["encoder", "decoder", "cross"])
        self.record("encoder-decoder, S=9 != T=6", groups, "nn.Transformer: encoder, decoder and cross groups")


if __name__ == "__main__":
    export_testing.main()
