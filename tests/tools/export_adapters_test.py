#!/usr/bin/python3
"""The adapters shipped with tools/export_attention.py, against hand-written modules with the layouts of
Hugging Face's BertSelfAttention and GPT2Attention and of TransformerLens' Attention
(tests/tools/library_layouts.py): each records every head so that the file's q, k and masks give the
module's own weights.

    /usr/bin/python3 tests/tools/export_adapters_test.py --cli build/bin/attention-cli
"""
import numpy as np
import torch
from torch import nn

import export_testing
import library_layouts as lib
from export_testing import ExportTestCase, export_attention, ref


def ids(n, seed):
    return torch.randint(0, 50, (1, n), generator=torch.Generator().manual_seed(seed))


class BertTests(ExportTestCase):
    def test_weights_from_the_output_and_recomputed_agree(self):
        torch.manual_seed(0)
        model = lib.TinyBert(lib.bert_config()).eval()
        mask = torch.ones(1, 8, dtype=torch.long)
        mask[0, -2:] = 0
        returned, _ = self.export(model, (ids(8, 1),), name="a.npz", attention_mask=mask, output_attentions=True)
        recomputed, _ = self.export(model, (ids(8, 1),), name="b.npz", attention_mask=mask)
        a, b = returned[""], recomputed[""]
        np.testing.assert_allclose(a["weights"], b["weights"], atol=1e-6)
        for name in ("q", "k", "v", "key_padding"):
            np.testing.assert_array_equal(a[name], b[name])
        self.assertEqual(a["q"].shape, (2, 4, 8, 4))
        self.assert_reproduces(a)

    def test_without_a_mask(self):
        torch.manual_seed(0)
        groups, _ = self.export(lib.TinyBert(lib.bert_config()).eval(), (ids(8, 2),), output_attentions=True)
        self.assertEqual(ref.text(groups[""], "mask_kind"), ["none", "none"])
        self.assert_reproduces(groups[""])
        self.assert_cli_reproduces(self.path("run.npz"), groups[""])

    def test_cross_attention(self):
        torch.manual_seed(3)
        model = lib.TinyBert(lib.bert_config(is_decoder=True, add_cross_attention=True)).eval()
        memory = torch.randn(1, 9, 16, generator=torch.Generator().manual_seed(4))
        memory_mask = torch.ones(1, 9, dtype=torch.long)
        memory_mask[0, -3:] = 0
        groups, _ = self.export(model, (ids(6, 5),), encoder_hidden_states=memory, encoder_attention_mask=memory_mask,
                                output_attentions=True)
        self.assertEqual(list(groups), ["decoder", "cross"])
        cross = groups["cross"]
        self.assertEqual(cross["weights"].shape, (2, 4, 6, 9))
        self.assertEqual(list(cross["layer_names"]), ["layer.0.crossattention.self", "layer.1.crossattention.self"])
        np.testing.assert_array_equal(cross["key_padding"][:, -3:], 1.0)
        for members in groups.values():
            self.assert_reproduces(members)

    def test_relative_position_scores_are_refused_with_the_reason(self):
        model = lib.TinyBert(lib.bert_config(position_embedding_type="relative_key")).eval()
        with self.assertRaisesRegex(ValueError, "relative_key"):
            export_attention.export(model, (ids(5, 0),), self.path("x.npz"))


class GPT2Tests(ExportTestCase):
    def test_fused_projection_causal_mask_and_layer_scaling(self):
        torch.manual_seed(0)
        model = lib.TinyGPT2(lib.gpt2_config(num_hidden_layers=3, scale_attn_by_inverse_layer_idx=True)).eval()
        groups, _ = self.export(model, (ids(10, 1),), output_attentions=True)
        members = groups[""]
        self.assertEqual(list(members["layer_names"]), ["h.0.attn", "h.1.attn", "h.2.attn"])
        self.assertEqual(ref.text(members, "mask_kind"), ["causal"] * 3)
        self.assertEqual(ref.text(members, "mask"), ["causal"])
        # Layer 2 divides its scores by 3 more: the exporter folds that into q.
        self.assert_reproduces(members)
        self.assert_cli_reproduces(self.path("run.npz"), members)

    def test_weights_recomputed_when_the_module_does_not_return_them(self):
        torch.manual_seed(0)
        model = lib.TinyGPT2(lib.gpt2_config()).eval()
        mask = torch.ones(1, 10, dtype=torch.long)
        mask[0, :3] = 0
        a, _ = self.export(model, (ids(10, 1),), name="a.npz", attention_mask=mask, output_attentions=True)
        b, _ = self.export(model, (ids(10, 1),), name="b.npz", attention_mask=mask)
        np.testing.assert_allclose(a[""]["weights"], b[""]["weights"], atol=1e-6)
        self.assert_reproduces(b[""])

    def test_a_key_value_cache_is_refused(self):
        torch.manual_seed(0)
        attn = lib.GPT2Attention(lib.gpt2_config(), layer_idx=0).eval()

        class Step(nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = attn

            def forward(self, x, past):
                return self.attn(x, layer_past=past)[0]

        past = (torch.randn(1, 4, 3, 4), torch.randn(1, 4, 3, 4))
        with self.assertRaisesRegex(ValueError, r"h?\.?attn.*layer_past"):
            export_attention.export(Step(), (torch.randn(1, 2, 16), past), self.path("x.npz"))

    def test_a_class_of_that_name_without_the_layout_is_told_to_bring_an_adapter(self):
        class GPT2Attention(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(4, 4)

            def forward(self, x):
                return self.proj(x)

        with self.assertRaisesRegex(ValueError, r"GPT2Attention.*c_attn.*adapters="):
            export_attention.export(nn.Sequential(GPT2Attention()), (torch.randn(1, 3, 4),), self.path("x.npz"))

    def test_an_adapter_given_by_the_user_replaces_the_shipped_one(self):
        torch.manual_seed(0)
        model = lib.TinyGPT2(lib.gpt2_config(num_hidden_layers=1)).eval()
        calls = []

        def mine(module, inputs, output, call):
            calls.append(sorted(call.kwargs))
            return export_attention.ADAPTERS["GPT2Attention"](module, inputs, output, call)

        groups, _ = self.export(model, (ids(6, 1),), adapters={"GPT2Attention": mine})
        self.assertEqual(len(calls), 1)
        self.assertIn("attention_mask", calls[0], "keyword arguments reach the adapter")
        self.assert_reproduces(groups[""])


class TransformerLensTests(ExportTestCase):
    def test_hook_points_causal_with_left_padding(self):
        torch.manual_seed(0)
        model = lib.TinyHookedTransformer(lib.hooked_config()).eval()
        mask = torch.ones(1, 9, dtype=torch.long)
        mask[0, :2] = 0
        groups, notices = self.export(model, (ids(9, 1),), attention_mask=mask)
        members = groups[""]
        self.assertEqual(list(members["layer_names"]), ["blocks.0.attn", "blocks.1.attn"])
        self.assertEqual(members["q"].shape, (2, 4, 9, 4))
        self.assertEqual(ref.text(members, "mask_kind"), ["causal+padding", "causal+padding"])
        # TransformerLens writes 0 where every key is masked; the file says undefined.
        self.assertTrue(np.isnan(members["weights"][:, :, :2]).all())
        self.assert_reproduces(members)

    def test_scale_and_an_additive_mask(self):
        torch.manual_seed(1)
        cfg = lib.hooked_config(attention_dir="bidirectional", use_attn_scale=False, n_layers=1)
        model = lib.TinyHookedTransformer(cfg).eval()
        bias = torch.linspace(-2.0, 0.0, 7)[None, None, None, :]

        class WithBias(nn.Module):
            def __init__(self):
                super().__init__()
                self.model = model

            def forward(self, tokens):
                x = self.model.embed(tokens) + self.model.pos_embed(torch.arange(tokens.shape[1]))[None]
                x = self.model.blocks[0].ln1(x)
                return self.model.blocks[0].attn(x, x, x, additive_attention_mask=bias)

        groups, _ = self.export(WithBias(), (ids(7, 2),))
        members = groups[""]
        self.assertEqual(ref.text(members, "mask_kind"), ["other"])
        np.testing.assert_allclose(members["attn_bias"][0, 3], np.tile(bias[0, 0, 0].numpy(), (7, 1)), atol=1e-5)
        self.assert_reproduces(members)


if __name__ == "__main__":
    export_testing.main()
