#!/usr/bin/env python3
"""Writes the NPZ files test_npz.cpp reads: archives written by NumPy itself (stored and
deflated, rank 1 to 4, both byte orders, Fortran order, text tokens) and malformed archives.

Every numeric array holds value(k) = (k % 97) * 0.25 - 3 at C-order flat index k, so the
C++ side checks any layout against one formula."""
import io
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

TOKENS = ["the", "naïve", "日本", "😀", ""]


def pattern(shape, dtype):
    k = np.arange(int(np.prod(shape)))
    return ((k % 97) * 0.25 - 3).reshape(shape).astype(dtype)


def layouts():
    return {
        "a1": pattern((7,), "<f8"),
        "a2": pattern((3, 5), "<f4"),
        "a3": pattern((2, 3, 4), ">f8"),
        "a4": np.asfortranarray(pattern((2, 3, 4, 5), "<f4")),
        "a4_big_fortran": np.asfortranarray(pattern((2, 2, 3, 2), ">f4")),
        "a3_big_f8_fortran": np.asfortranarray(pattern((3, 2, 2), ">f8")),
        "tokens": np.array(TOKENS),
        "tokens_big": np.array(TOKENS, dtype=">U5"),
        "bytes": np.array([b"ab", b"c"]),
    }


def patch_central(data, offset_in_entry, fmt, value):
    """Rewrites one field of the first central-directory entry (and the local header's twin)."""
    data = bytearray(data)
    central = data.index(b"PK\x01\x02")
    struct.pack_into(fmt, data, central + offset_in_entry, value)
    local_twin = {10: 8, 24: 22}.get(offset_in_entry)
    if local_twin is not None:
        struct.pack_into(fmt, data, local_twin, value)
    return bytes(data)


def stored_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for name, payload in members.items():
            z.writestr(name, payload)
    return buffer.getvalue()


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "stored.npz", **layouts())
    np.savez_compressed(out / "deflated.npz", **layouts())
    np.save(out / "tokens.npy", np.array(TOKENS))

    whole = (out / "deflated.npz").read_bytes()
    (out / "truncated.npz").write_bytes(whole[: len(whole) // 2])
    (out / "not_a_zip.npz").write_bytes(b"this is not a zip archive at all, just text\n" * 4)
    (out / "wrong_type.npz").write_bytes(stored_zip({
        "ints.npy": npy_bytes(np.arange(6, dtype=np.int64)),
        "notes.npy": b"hello, not an npy payload",
        "ok.npy": npy_bytes(pattern((2, 2), "<f8")),
    }))
    good = stored_zip({"q.npy": npy_bytes(pattern((4, 3), "<f8"))})
    (out / "unknown_method.npz").write_bytes(patch_central(good, 10, "<H", 98))  # PPMd
    (out / "bomb.npz").write_bytes(patch_central(good, 24, "<I", 0xFFFFFFF0))
    (out / "short_declared.npz").write_bytes(patch_central(good, 24, "<I", len(npy_bytes(pattern((4, 3), "<f8"))) - 8))

    q = pattern((2, 3, 5, 4), "<f4")
    k = pattern((2, 3, 6, 4), "<f4") * 0.5
    w = np.full((2, 3, 5, 6), 1.0 / 6, dtype="<f4")
    np.savez(out / "model.npz", q=q, k=k, v=k, weights=w, tokens=np.array(["a", "b", "c", "d", "e"]),
             layer_names=np.array(["enc.0", "enc.1"]), mask=np.array(["causal"]), input_ids=np.arange(5))
    np.savez(out / "model_mismatch.npz", q=q, weights=np.zeros((2, 2, 5, 5)))
    np.savez(out / "model_bad_tokens.npz", weights=w, tokens=np.array(["a", "b"]))


if __name__ == "__main__":
    main(sys.argv[1])
