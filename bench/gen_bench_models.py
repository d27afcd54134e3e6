"""Generates the layer-level benchmark models of bench/run_bench.py.

    /usr/bin/python3 bench/gen_bench_models.py OUTDIR

Writes into OUTDIR (normally build/bench-models):
  bconv3x3_256_14.onnx  a single binary 3x3 conv, 256 -> 256 channels at 14x14, batch 1, as
                        PyTorch exports fake-quantized BNNs: Sign on the activations, weights
                        Sign(W) * mean|W| per output channel (exported with constant folding off,
                        so the Abs / ReduceMean / Sign / Mul weight subgraph stays, as in real
                        exports), zero padding 1, then a BatchNormalization.
  fconv3x3_64_56.onnx   a float 3x3 conv, 64 -> 64 channels at 56x56, batch 1, pad 1, with bias.
  fconv7x7s2_3_64_224.onnx  the float stem of (Bi-Real-)ResNet-18: 7x7 stride-2 conv, 3 -> 64
                        channels, 224x224 input, pad 3, BatchNorm folded in at export.
  NAME.in0.npy          one fixed input per model; the binary model's input never comes near 0
                        (values (k + 1/2) / 8), so Sign never sees a value it could round to 0.
  manifest.json         the models, their inputs and their MAC counts per image.

The two 3x3 layers do the same number of multiply-accumulates per image:
Ho * Wo * Cout * Cin * 9 = 14*14*256*256*9 = 56*56*64*64*9 = 115,605,504; the stem does
112*112*64*3*49 = 118,013,952.

Deterministic: fixed seeds. Uses torch 1.13 and onnx 1.12 (Debian's python3).
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 13


class BinConv2d(nn.Conv2d):
    """Conv2d with weights Sign(W) * alpha_c, alpha_c = mean |W_c| (XNOR-Net); zero padding."""

    def forward(self, x):
        w = self.weight
        alpha = w.abs().mean(dim=(1, 2, 3), keepdim=True)
        return F.conv2d(x, torch.sign(w) * alpha, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class BinaryConvLayer(nn.Module):
    def __init__(self, c, gen):
        super().__init__()
        self.conv = BinConv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c)
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(c, generator=gen) * 2.0)
            self.bn.running_var.copy_(50.0 + 50.0 * torch.rand(c, generator=gen))
            self.bn.weight.copy_(0.5 + torch.rand(c, generator=gen))
            self.bn.bias.copy_(torch.randn(c, generator=gen) * 0.1)

    def forward(self, x):
        return self.bn(self.conv(torch.sign(x)))


def half_offset_input(rng, shape, n=8):
    """Values (k + 1/2) / n: never 0, at least 1/(2n) away from it."""
    return ((rng.integers(-n, n, size=shape) + 0.5) / n).astype(np.float32)


def export(module, x, path, fold):
    module.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.from_numpy(x),), path, opset_version=OPSET,
                          input_names=["in0"], output_names=["out0"],
                          do_constant_folding=fold)
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    args = ap.parse_args(argv)
    os.makedirs(args.outdir, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.default_rng(2024)
    models = []

    # Binary 3x3 conv 256 -> 256 @ 14x14.
    c, hw = 256, 14
    g = torch.Generator().manual_seed(1)
    m = BinaryConvLayer(c, g)
    x = half_offset_input(rng, (1, c, hw, hw))
    name = "bconv3x3_256_14"
    export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=False)
    np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
    models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                   "kind": "binary-layer", "macs": hw * hw * c * c * 9,
                   "what": f"Sign -> binary 3x3 conv {c}->{c} @ {hw}x{hw} (pad 1) -> BN"})

    # Float 3x3 conv 64 -> 64 @ 56x56.
    c, hw = 64, 56
    m = nn.Conv2d(c, c, 3, padding=1, bias=True)
    x = rng.standard_normal((1, c, hw, hw)).astype(np.float32)
    name = "fconv3x3_64_56"
    export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=True)
    np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
    models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                   "kind": "float-layer", "macs": hw * hw * c * c * 9,
                   "what": f"float 3x3 conv {c}->{c} @ {hw}x{hw} (pad 1, bias)"})

    # The float stem of ResNet-18 / Bi-Real-Net-18: 7x7/2 conv 3 -> 64 at 224x224 (+ BatchNorm,
    # folded into the conv at export).
    m = nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64))
    with torch.no_grad():
        m[1].running_mean.copy_(torch.randn(64, generator=g) * 0.1)
        m[1].running_var.copy_(0.5 + torch.rand(64, generator=g))
    x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
    name = "fconv7x7s2_3_64_224"
    export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=True)
    np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
    models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                   "kind": "float-layer", "macs": 112 * 112 * 64 * 3 * 49,
                   "what": "float 7x7/2 conv 3->64 @ 224x224 (pad 3) + BN: the Bi-Real-18 stem"})

    with open(os.path.join(args.outdir, "manifest.json"), "w") as f:
        json.dump({"models": models}, f, indent=1)
    for mdl in models:
        print(f"wrote {os.path.join(args.outdir, mdl['file'])}: {mdl['what']}, "
              f"{mdl['macs']:,} MACs per image")
    return 0


if __name__ == "__main__":
    sys.exit(main())
