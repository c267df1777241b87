#!/usr/bin/python3
"""Issue 17's failures of tools/export_attention.py, one test each (numbered as in the issue):

1. training mode exported silently; 2. frozen parameters and inference mode hide modules from the
fused fast path; 3. key padding saved only as the word 'other'; 4. finite causal masks (finfo.min,
-1e9) labelled 'other'; 5. encoder-decoder models refused, no module filter, cross-attention keys
with target tokens; 6. files the tools then refuse: a batch axis (rank 5), float16, NaN rows;
10. TorchScript models and bf16 precision.

    /usr/bin/python3 tests/tools/export_reproducers_test.py --cli build/bin/attention-cli
"""
import numpy as np
import torch
from torch import nn

import export_testing
from export_testing import ExportTestCase, export_attention, ref

N_TOKENS = 10


def encoder(layers=2, width=16, heads=2, dropout=0.0, seed=0, **layer_kwargs):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(width, heads, dim_feedforward=32, dropout=dropout, batch_first=True,
                                       **layer_kwargs)
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=True).eval()


def tokens(n=N_TOKENS, width=16, seed=1, batch=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(batch, n, width, generator=g)


def causal_mask(n, fill):
    if fill == "bool":
        return torch.ones(n, n, dtype=torch.bool).triu(1)
    return torch.zeros(n, n).masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), fill)


# ---- 1. Training mode

class TrainingModeTests(ExportTestCase):
    def test_training_mode_is_exported_in_eval_mode_with_a_notice_and_restored(self):
        model = encoder(dropout=0.5).train()
        model.layers[1].dropout.eval()  # a module the user set apart keeps its own mode
        modes = {name: m.training for name, m in model.named_modules()}
        groups, notices = self.export(model, (tokens(),))
        members = groups[""]
        self.assert_notice(notices, "training mode", "eval")
        self.assertEqual(ref.text(members, "dropout_applied"), ["false"])
        np.testing.assert_allclose(members["weights"].sum(axis=-1), 1.0, atol=1e-5)  # no dropout: distributions
        self.assert_reproduces(members)
        self.assertEqual({name: m.training for name, m in model.named_modules()}, modes, "modes restored")

    def test_keep_training_applies_dropout_and_says_so(self):
        model = encoder(dropout=0.5).train()
        groups, _ = self.export(model, (tokens(),), keep_training=True)
        members = groups[""]
        self.assertEqual(ref.text(members, "dropout_applied"), ["true"])
        sums = members["weights"].sum(axis=-1)
        self.assertGreater(np.abs(sums - 1.0).max(), 0.05, "the weights are after dropout")
        self.assertTrue(model.training and model.layers[0].self_attn.training)

    def test_an_eval_model_says_no_dropout_and_no_notice(self):
        groups, notices = self.export(encoder(), (tokens(),))
        self.assertEqual(ref.text(groups[""], "dropout_applied"), ["false"])
        self.assertFalse([n for n in notices if "training" in n], notices)


# ---- 2. The fused fast path

class FastPathTests(ExportTestCase):
    def check_every_layer(self, groups, layers=2):
        members = groups[""]
        self.assertEqual(members["q"].shape[0], layers)
        self.assertEqual(list(members["layer_names"]), [f"layers.{i}.self_attn" for i in range(layers)])
        self.assert_reproduces(members)

    def test_frozen_parameters(self):
        model = encoder()
        model.requires_grad_(False)
        groups, _ = self.export(model, (tokens(),))
        self.check_every_layer(groups)

    def test_inference_mode(self):
        model = encoder()
        with torch.inference_mode():
            x = tokens()
            groups, _ = self.export(model, (x,))
        self.check_every_layer(groups)

    def test_frozen_under_inference_mode_with_key_padding(self):
        # With a padding mask, nn.TransformerEncoder would also convert the batch to a nested tensor.
        model = encoder()
        model.requires_grad_(False)
        padding = torch.zeros(1, N_TOKENS, dtype=torch.bool)
        padding[0, -3:] = True
        with torch.inference_mode():
            groups, _ = self.export(model, (tokens(),), src_key_padding_mask=padding)
        self.check_every_layer(groups)
        np.testing.assert_array_equal(groups[""]["key_padding"][0], padding[0].numpy().astype(np.float32))

    def test_the_model_still_runs_its_fast_path_afterwards(self):
        model = encoder()
        model.requires_grad_(False)
        x = tokens()
        with torch.no_grad():
            before = model(x)
        self.export(model, (x,))
        for module in model.modules():
            self.assertNotIn("forward", vars(module), "no wrapper left behind")
        self.assertTrue(model.enable_nested_tensor)
        with torch.no_grad():
            torch.testing.assert_close(model(x), before)


# ---- 3. Key padding

class KeyPaddingTests(ExportTestCase):
    def test_key_padding_is_saved_and_the_weights_are_reproduced(self):
        padding = torch.zeros(1, N_TOKENS, dtype=torch.bool)
        padding[0, -3:] = True
        groups, _ = self.export(encoder(), (tokens(),), src_key_padding_mask=padding)
        members = groups[""]
        np.testing.assert_array_equal(members["key_padding"], np.tile(padding.numpy().astype(np.float32), (2, 1)))
        self.assertEqual(members["key_padding"].dtype, np.float32)
        self.assertEqual(ref.text(members, "mask_kind"), ["padding", "padding"])
        self.assertEqual(ref.text(members, "mask"), ["other"])
        self.assertNotIn("blocked", members, "no attention mask was given")
        self.assertEqual(members["weights"][..., -3:].max(), 0.0)
        self.assert_reproduces(members)

    def test_additive_key_padding_and_a_batch(self):
        # A float key padding mask is added to the scores; only the first sequence is exported.
        padding = torch.zeros(3, N_TOKENS)
        padding[0, :2] = float("-inf")
        padding[1, :] = float("-inf")
        groups, _ = self.export(encoder(), (tokens(batch=3),), src_key_padding_mask=padding)
        members = groups[""]
        self.assertEqual(members["q"].shape[:3], (2, 2, N_TOKENS))
        np.testing.assert_array_equal(members["key_padding"][:, :2], 1.0)
        np.testing.assert_array_equal(members["key_padding"][:, 2:], 0.0)
        self.assert_reproduces(members)


# ---- 4. Finite causal masks

class FiniteCausalMaskTests(ExportTestCase):
    FILLS = {"-inf": float("-inf"), "finfo.min": torch.finfo(torch.float32).min, "-1e9": -1e9, "-1e4": -1e4,
             "bool": "bool"}

    def test_causal_whatever_the_fill(self):
        causal = np.triu(np.ones((N_TOKENS, N_TOKENS), dtype=np.float32), 1)
        for label, fill in self.FILLS.items():
            with self.subTest(fill=label):
                name = f"causal_{label}.npz"
                groups, _ = self.export(encoder(), (tokens(),), name=name, mask=causal_mask(N_TOKENS, fill))
                members = groups[""]
                self.assertEqual(ref.text(members, "mask"), ["causal"])
                self.assertEqual(ref.text(members, "mask_kind"), ["causal", "causal"])
                self.assertEqual(members["blocked"].shape, (2, N_TOKENS, N_TOKENS))
                np.testing.assert_array_equal(members["blocked"], np.stack([causal, causal]))
                self.assertNotIn("attn_bias", members, "a fill is not a bias")
                self.assert_reproduces(members)
                self.assert_cli_reproduces(self.path(name), members)

    def test_a_finite_bias_besides_the_blocked_entries_is_saved(self):
        n = N_TOKENS
        distance = (torch.arange(n)[:, None] - torch.arange(n)[None, :]).abs().float()
        mask = causal_mask(n, float("-inf")) - 0.3 * distance  # ALiBi-like
        groups, _ = self.export(encoder(), (tokens(),), mask=mask)
        members = groups[""]
        self.assertEqual(ref.text(members, "mask_kind"), ["other", "other"])
        self.assertEqual(ref.text(members, "mask"), ["other"])
        lower = np.tril(np.ones((n, n), dtype=bool))
        np.testing.assert_allclose(members["attn_bias"][0][lower], (-0.3 * distance).numpy()[lower], rtol=1e-6)
        self.assertEqual(np.abs(members["attn_bias"][0][~lower]).max(), 0.0, "0 where blocked")
        self.assert_reproduces(members)

    def test_per_head_masks(self):
        # nn.MultiheadAttention takes a 3-D mask [batch * heads, n, m]: one mask per head.
        mha = nn.MultiheadAttention(16, 2, batch_first=True).eval()

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = mha

            def forward(self, x, mask):
                return self.attn(x, x, x, attn_mask=mask)[0]

        mask = torch.stack([causal_mask(N_TOKENS, "bool"), causal_mask(N_TOKENS, "bool").T])
        groups, _ = self.export(Model(), (tokens(), mask))
        members = groups[""]
        self.assertEqual(members["blocked"].shape, (1, 2, N_TOKENS, N_TOKENS))
        self.assertEqual(ref.text(members, "mask_kind"), ["other"])
        self.assert_reproduces(members)


# ---- 5. Encoder-decoder models and the module filter

SRC, TGT = 9, 6
SRC_TOKENS = [f"s{i}" for i in range(SRC)]
TGT_TOKENS = [f"t{i}" for i in range(TGT)]


def transformer():
    torch.manual_seed(2)
    return nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=32,
                          dropout=0.0, batch_first=True).eval()


def transformer_inputs():
    src, tgt = tokens(SRC, seed=3), tokens(TGT, seed=4)
    src_padding = torch.zeros(1, SRC, dtype=torch.bool)
    src_padding[0, -2:] = True
    return (src, tgt), dict(tgt_mask=nn.Transformer.generate_square_subsequent_mask(TGT),
                            src_key_padding_mask=src_padding, memory_key_padding_mask=src_padding)


class EncoderDecoderTests(ExportTestCase):
    def test_transformer_with_source_and_target_of_different_lengths(self):
        inputs, kwargs = transformer_inputs()
        groups, _ = self.export(transformer(), inputs, src_tokens=SRC_TOKENS, tgt_tokens=TGT_TOKENS, **kwargs)
        self.assertEqual(list(groups), ["encoder", "decoder", "cross"])
        enc, dec, cross = groups["encoder"], groups["decoder"], groups["cross"]
        self.assertEqual(enc["q"].shape, (2, 2, SRC, 8))
        self.assertEqual(dec["q"].shape, (2, 2, TGT, 8))
        self.assertEqual(cross["q"].shape, (2, 2, TGT, 8))
        self.assertEqual(cross["k"].shape, (2, 2, SRC, 8))
        self.assertEqual(cross["weights"].shape, (2, 2, TGT, SRC))
        self.assertEqual(ref.text(enc, "role") + ref.text(dec, "role") + ref.text(cross, "role"),
                         ["self", "self", "cross"])
        # Queries' tokens on rows, keys' tokens on columns.
        self.assertEqual(ref.text(enc, "tokens"), SRC_TOKENS)
        self.assertEqual(ref.text(dec, "tokens"), TGT_TOKENS)
        self.assertEqual(ref.text(cross, "tokens"), TGT_TOKENS)
        self.assertEqual(ref.text(cross, "key_tokens"), SRC_TOKENS)
        self.assertNotIn("key_tokens", dec)
        # Each group has its own masks.
        self.assertEqual(ref.text(enc, "mask_kind"), ["padding", "padding"])
        self.assertEqual(ref.text(dec, "mask_kind"), ["causal", "causal"])
        self.assertEqual(ref.text(cross, "mask_kind"), ["padding", "padding"])
        self.assertEqual(list(enc["layer_names"]), ["encoder.layers.0.self_attn", "encoder.layers.1.self_attn"])
        self.assertEqual(list(cross["layer_names"]),
                         ["decoder.layers.0.multihead_attn", "decoder.layers.1.multihead_attn"])
        with np.load(self.path("run.npz")) as z:
            self.assertEqual(list(z["groups"]), ["encoder", "decoder", "cross"])
            self.assertEqual(list(z["src_tokens"]), SRC_TOKENS)
            self.assertEqual(list(z["tgt_tokens"]), TGT_TOKENS)
            self.assertNotIn("q", z.files, "a grouped file has no ungrouped q")
        for name, members in groups.items():
            self.assert_reproduces(members, where=name)
        self.assert_cli_reproduces(self.path("run.npz"), dec, prefix="decoder/")

    def test_transformer_with_equal_lengths_keeps_groups_apart(self):
        torch.manual_seed(5)
        model = transformer()
        src, tgt = tokens(6, seed=3), tokens(6, seed=4)
        groups, _ = self.export(model, (src, tgt), tgt_mask=nn.Transformer.generate_square_subsequent_mask(6))
        self.assertEqual(list(groups), ["encoder", "decoder", "cross"])
        self.assertEqual(ref.text(groups["encoder"], "mask_kind"), ["none", "none"])
        self.assertEqual(ref.text(groups["decoder"], "mask_kind"), ["causal", "causal"])
        self.assertEqual(ref.text(groups["cross"], "mask_kind"), ["none", "none"])

    def test_transformer_decoder_alone(self):
        torch.manual_seed(6)
        layer = nn.TransformerDecoderLayer(16, 2, dim_feedforward=32, dropout=0.0, batch_first=True)
        model = nn.TransformerDecoder(layer, 2).eval()
        groups, _ = self.export(model, (tokens(TGT, seed=4), tokens(SRC, seed=3)), src_tokens=SRC_TOKENS,
                                tgt_tokens=TGT_TOKENS, tgt_mask=nn.Transformer.generate_square_subsequent_mask(TGT))
        self.assertEqual(list(groups), ["decoder", "cross"])
        self.assertEqual(ref.text(groups["cross"], "key_tokens"), SRC_TOKENS)
        for name, members in groups.items():
            self.assert_reproduces(members, where=name)

    def test_module_filter_by_name_pattern_and_type(self):
        inputs, kwargs = transformer_inputs()
        model = transformer()
        common = dict(src_tokens=SRC_TOKENS, tgt_tokens=TGT_TOKENS, **kwargs)
        # Cross-attention alone: one flat file.
        groups, _ = self.export(model, inputs, name="cross.npz", modules=["*.multihead_attn"], **common)
        members = groups[""]
        self.assertEqual(ref.text(members, "role"), ["cross"])
        self.assertEqual(members["weights"].shape, (2, 2, TGT, SRC))
        self.assertEqual(ref.text(members, "tokens"), TGT_TOKENS)
        self.assertEqual(ref.text(members, "key_tokens"), SRC_TOKENS)
        self.assert_reproduces(members)
        # A prefix names a subtree: the encoder's self-attention alone.
        groups, _ = self.export(model, inputs, name="enc.npz", modules=["encoder"], **common)
        self.assertEqual(list(groups[""]["layer_names"]), ["encoder.layers.0.self_attn", "encoder.layers.1.self_attn"])
        self.assertEqual(ref.text(groups[""], "tokens"), SRC_TOKENS)
        # An exact name and a type.
        groups, _ = self.export(model, inputs, name="one.npz", modules=["decoder.layers.1.self_attn"], **common)
        self.assertEqual(list(groups[""]["layer_names"]), ["decoder.layers.1.self_attn"])
        self.assertEqual(ref.text(groups[""], "tokens"), TGT_TOKENS)
        groups, _ = self.export(model, inputs, name="all.npz", modules=[nn.MultiheadAttention], **common)
        self.assertEqual(list(groups), ["encoder", "decoder", "cross"])

    def test_module_filter_that_matches_nothing_lists_the_modules(self):
        inputs, kwargs = transformer_inputs()
        with self.assertRaisesRegex(ValueError, r"modules=\['nothing'\].*encoder\.layers\.0\.self_attn"):
            export_attention.export(transformer(), inputs, self.path("x.npz"), modules=["nothing"], **kwargs)


# ---- 6. What the exporter writes is checked

class TwoHeads(nn.Module):
    """Custom attention (2 heads of 3) whose adapter returns what the test asks for."""

    def __init__(self, width=6):
        super().__init__()
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)

    def heads(self, x):
        q = self.q(x).reshape(x.shape[0], x.shape[1], 2, 3).transpose(1, 2)  # [B, H, n, 3]
        k = self.k(x).reshape(x.shape[0], x.shape[1], 2, 3).transpose(1, 2)
        return q, k, torch.softmax(q @ k.transpose(-1, -2) / 3 ** 0.5, dim=-1)

    def forward(self, x):
        return x + self.heads(x)[2].mean(1) @ x


def keep_batch_adapter(module, inputs, output):
    q, k, w = module.heads(inputs[0])
    return {"q": q, "k": k, "weights": w}  # [B, H, ...]: the batch axis kept


def half_adapter(module, inputs, output):
    q, k, w = module.heads(inputs[0])
    return {"q": q[0].half(), "k": k[0].half(), "weights": w[0].half()}  # as a float16 model on a GPU


class CheckedBeforeSavingTests(ExportTestCase):
    def test_a_batch_axis_of_one_is_squeezed(self):
        torch.manual_seed(0)
        model = nn.Sequential(TwoHeads(), TwoHeads())
        groups, _ = self.export(model, (torch.randn(1, 5, 6),), adapters={"TwoHeads": keep_batch_adapter})
        members = groups[""]
        self.assertEqual(members["q"].shape, (2, 2, 5, 3))
        self.assertEqual(members["weights"].shape, (2, 2, 5, 5))
        self.assert_reproduces(members)
        self.assert_cli_reproduces(self.path("run.npz"), members)

    def test_a_larger_batch_axis_is_refused_with_the_shape(self):
        model = nn.Sequential(TwoHeads())
        path = self.path("batch.npz")
        with self.assertRaisesRegex(ValueError, r"TwoHeads.*'q' of shape \[2, 2, 5, 3\].*batch"):
            export_attention.export(model, (torch.randn(2, 5, 6),), path, adapters={"TwoHeads": keep_batch_adapter})
        self.assertFalse(__import__("os").path.exists(path), "nothing written")

    def test_float16_is_cast_to_float32_with_a_notice(self):
        torch.manual_seed(0)
        groups, notices = self.export(nn.Sequential(TwoHeads()), (torch.randn(1, 5, 6),),
                                      adapters={"TwoHeads": half_adapter})
        members = groups[""]
        self.assertEqual(members["q"].dtype, np.float32)
        self.assertEqual(members["weights"].dtype, np.float32)
        self.assertEqual(ref.text(members, "precision"), ["float16"])
        self.assert_notice(notices, "float16", "float32")
        # The recomputation from float16 Q and K is within float16's rounding of the model's weights.
        self.assert_reproduces(members, tolerance=5e-3)

    def test_a_bfloat16_model(self):
        model = encoder().to(torch.bfloat16)
        groups, notices = self.export(model, (tokens().to(torch.bfloat16),), mask=causal_mask(N_TOKENS, "bool"))
        members = groups[""]
        self.assertEqual(ref.text(members, "precision"), ["bfloat16"])
        self.assertEqual(members["q"].dtype, np.float32)
        self.assert_notice(notices, "bfloat16")
        gap = self.assert_reproduces(members, tolerance=5e-2)
        self.assertGreater(gap, 1e-4, "bf16 rounding shows")

    def test_nan_rows_from_left_padding_and_causal_become_undefined_rows(self):
        # Left padding plus a causal mask: the first queries see only padded keys. PyTorch gives NaN
        # rows, and the NaN reaches the next layer's queries and keys.
        padding = torch.zeros(1, N_TOKENS, dtype=torch.bool)
        padding[0, :3] = True
        groups, notices = self.export(encoder(), (tokens(),), mask=causal_mask(N_TOKENS, float("-inf")),
                                      src_key_padding_mask=padding)
        members = groups[""]
        self.assertEqual(ref.text(members, "mask_kind"), ["causal+padding", "causal+padding"])
        w = members["weights"]
        self.assertTrue(np.isnan(w[0, :, :3]).all(), "layer 0: rows 0-2 are undefined")
        self.assertFalse(np.isnan(w[0, :, 3:]).any())
        self.assertTrue(np.isfinite(members["q"]).all() and np.isfinite(members["k"]).all())
        self.assertTrue(np.isfinite(members["v"]).all())
        np.testing.assert_array_equal(members["q_replaced"][1, :3], 1.0)
        np.testing.assert_array_equal(members["k_replaced"][1, :3], 1.0)
        self.assertEqual(members["q_replaced"][0].max(), 0.0, "layer 0's inputs were finite")
        self.assert_notice(notices, "q_replaced")
        gap, undefined_file, undefined_rec = ref.worst_gap(members)
        self.assertLess(gap, export_testing.TOLERANCE)
        np.testing.assert_array_equal(undefined_file[0], undefined_rec[0])
        # In layer 1 the NaN keys reached every score: PyTorch's weights are NaN in every row, and the
        # file says so, while the file's q, k and masks define rows 3-9.
        self.assertTrue(undefined_file[1].all())
        np.testing.assert_array_equal(undefined_rec[1], np.tile(np.arange(N_TOKENS) < 3, (2, 1)))
        self.assert_notice(notices, "weights are NaN", "layers.1.self_attn")
        # Today's CLI reads every q and k of the file (NaN made it refuse the whole file).
        path = self.path("run.npz")
        self.cli("weights", "-i", f"{path}:q", "-k", f"{path}:k", "--double", "-o", self.path("w.npy"))

    def test_a_finite_fill_gives_undefined_rows_too(self):
        # With finfo.min the model writes a uniform row where every key is masked: still undefined.
        padding = torch.zeros(1, N_TOKENS, dtype=torch.bool)
        padding[0, :3] = True
        groups, notices = self.export(encoder(layers=1), (tokens(),),
                                      mask=causal_mask(N_TOKENS, torch.finfo(torch.float32).min),
                                      src_key_padding_mask=padding)
        members = groups[""]
        self.assertTrue(np.isnan(members["weights"][0, :, :3]).all())
        self.assert_notice(notices, "undefined")
        self.assert_reproduces(members)


    def test_a_dtype_the_reader_refuses_is_never_written(self):
        path = self.path("half.npz")
        with self.assertRaisesRegex(ValueError, r"would write a file the tools refuse: 'q' has dtype float16"):
            export_attention.export(encoder(), (tokens(),), path, dtype=np.float16)
        self.assertFalse(__import__("os").path.exists(path))

    def test_an_adapter_that_misses_a_scale_is_noticed(self):
        def unscaled(module, inputs, output):
            q, k, w = module.heads(inputs[0])
            return {"q": q[0] / 3 ** 0.5, "k": k[0], "weights": w[0]}  # scores are q.k/sqrt(d): q is off

        torch.manual_seed(0)
        _, notices = self.export(nn.Sequential(TwoHeads()), (torch.randn(1, 5, 6),), adapters={"TwoHeads": unscaled})
        self.assert_notice(notices, "differs from the module's own weights", "(0)")


# ---- 10. TorchScript

class TorchScriptTests(ExportTestCase):
    def test_scripted_and_traced_models_are_told_to_export_the_eager_model(self):
        model = encoder()
        x = tokens()
        traced = torch.jit.trace(model, (x,), check_trace=False)
        with self.assertRaisesRegex(ValueError, r"TorchScript.*eager"):
            export_attention.export(traced, (x,), self.path("t.npz"))

        class Wrapper(nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = nn.MultiheadAttention(16, 2, batch_first=True)

            def forward(self, x):
                return self.attn(x, x, x)[0]

        scripted = torch.jit.script(Wrapper().eval())
        with self.assertRaisesRegex(ValueError, r"TorchScript.*eager"):
            export_attention.export(scripted, (x,), self.path("s.npz"))


if __name__ == "__main__":
    export_testing.main()
