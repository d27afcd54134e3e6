"""Builds a BiBERT-base-shaped binarized transformer encoder (random weights) and exports it to ONNX.

    /usr/bin/python3 bench/gen_bibert_base.py OUT.onnx [--layers N] [--seq T]

Writes OUT.onnx (opset 17, weight-side Sign(W) * alpha subgraphs kept, as in real exports) and
OUT.in0.npy, a [1, T, 768] float input. The layers are test/e2e/gen_models.py's BiBertLayer (the
e2e tests' small BiBERT, checked against onnxruntime there) at BERT-base width: d 768, 12
heads, FFN 3072; every Linear binary, the attention scores sign(Q) @ sign(K)^T binary x binary
at run time, the attention binarized to {0, 1} times sign(V), GELU through Erf, LayerNorm.
Defaults: 2 layers, 128 tokens (1.86 G binary MACs).

For timing only: the weights are not calibrated to keep the values that reach a Sign away from
0 (the e2e generator draws seeds until they are, which a model this size never satisfies), so a
few of them round to the other side between two float implementations and the outputs of bnnc
and onnxruntime differ (by about 0.5 here); the small e2e BiBERT checks the semantics.
"""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "e2e"))
from gen_models import BiBert  # noqa: E402  (the e2e tests' BiBERT layers)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--seq", type=int, default=128)
    args = ap.parse_args(argv)
    torch.manual_seed(1)
    m = BiBert(vocab=50, d=768, heads=12, ffn=3072, layers=args.layers, seq=args.seq, classes=3,
               ids=False).eval()
    x = (np.random.default_rng(0).standard_normal((1, args.seq, 768)) * 0.5).astype(np.float32)
    with torch.no_grad():
        torch.onnx.export(m, (torch.from_numpy(x),), args.out, opset_version=17,
                          do_constant_folding=False)
    np.save(os.path.splitext(args.out)[0] + ".in0.npy", x)
    macs = args.layers * args.seq * (4 * 768 * 768 + 2 * 768 * 3072 + 2 * args.seq * 768)
    print(f"wrote {args.out}: {args.layers} layers, {args.seq} tokens, {macs:,} binary MACs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
