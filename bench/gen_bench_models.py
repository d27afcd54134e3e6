"""Generates the layer-level benchmark models of bench/run_bench.py.

    /usr/bin/python3 bench/gen_bench_models.py OUTDIR

Writes into OUTDIR (normally build/bench-models):
  bconv3x3_256_14.onnx  a single binary 3x3 conv, 256 -> 256 channels at 14x14, batch 1, as
                        PyTorch exports fake-quantized BNNs: Sign on the activations, weights
                        Sign(W) * mean|W| per output channel (exported with constant folding off,
                        so the Abs / ReduceMean / Sign / Mul weight subgraph stays, as in real
                        exports), zero padding 1, then a BatchNormalization.
  bconv3x3_128_28.onnx  the same at 128 -> 128 channels, 28x28 (pad 1).
  bconv1x1_512_7.onnx   the same as a 1x1 conv, 512 -> 512 channels at 7x7 (no padding).
  bconv3x3_256_14_t30.onnx  the 3x3 256 -> 256 layer with ternary weights: 30% of them exactly 0
                        (a pruned binary layer), which bnnc keeps binary with a weight mask plane.
  fconv3x3_64_56.onnx   a float 3x3 conv, 64 -> 64 channels at 56x56, batch 1, pad 1, with bias.
  fconv7x7s2_3_64_224.onnx  the float stem of (Bi-Real-)ResNet-18: 7x7 stride-2 conv, 3 -> 64
                        channels, 224x224 input, pad 3, BatchNorm folded in at export.
  fconv1x1_128_256_14.onnx  a downsampling shortcut of Bi-Real-Net-18: float 1x1 conv 128 -> 256
                        channels at 14x14 (after its 2x2 average pool) + BatchNorm, folded.
  fconv3x3s2_3_32_224.onnx  the float stem of ReActNet-A (MobileNetV1's): 3x3 stride-2 conv,
                        3 -> 32 channels, 224x224 input, pad 1, BatchNorm folded.
  fgemm_512_1000.onnx   the float head of ResNet-18: Gemm 512 -> 1000 with bias, batch 1.
  bdw3x3_256_28.onnx    a binary depthwise 3x3 conv of MobileNet under DIR-Net/ReActNet: Sign ->
                        depthwise conv 256 channels @ 28x28 (pad 1) with weights Sign(W) *
                        mean|W_c| -> BN, constant folding off.
  fdw3x3_256_28.onnx    the same depthwise conv in float (BN folded): the float form the binary
                        one must not be slower than.
  cnv_w1a1.onnx         FINN's CNV-w1a1 (the BNN-PYNQ / Brevitas CIFAR-10 topology) as plain ONNX
                        (no QONNX ops), 3x32x32 input, batch 1, random weights:
                          float Conv3x3 3->64 -> BN -> Sign                 (8-bit input: float)
                          BinConv3x3 64->64 -> BN -> MaxPool2 -> Sign
                          BinConv3x3 64->128 -> BN -> Sign
                          BinConv3x3 128->128 -> BN -> MaxPool2 -> Sign
                          BinConv3x3 128->256 -> BN -> Sign
                          BinConv3x3 256->256 -> BN -> Sign -> Flatten
                          BinFC 256->512 -> BN -> Sign -> BinFC 512->512 -> BN -> Sign
                          BinFC 512->10
                        convs without padding (32 -> 30 -> 28 -> 14 -> 12 -> 10 -> 5 -> 3 -> 1);
                        binary weights Sign(W) * mean|W| per output channel, as above. Its input
                        is 8-bit (k / 128) and the first conv's weights dyadic (k / 16), so that
                        conv is exact; every BatchNorm before a Sign is set, on that input, to map
                        its channel's integer conv outputs onto odd multiples of a step G_c
                        (the binary convs' outputs are alpha_c * d with d even), so no value
                        reaching a Sign is nearer to 0 than G_c (the generator prints the
                        smallest |pre-sign value|).
  qconv7x7s2_3_64_224.onnx  the Bi-Real-18 stem as a QDQ int8 layer (the usual int8 stem of an
                        exported BNN): QuantizeLinear (uint8, zero point 128) -> DequantizeLinear
                        -> Conv with DequantizeLinear'd int8 weights (symmetric, one scale per
                        output channel, from the float stem's folded weights) and a float bias.
  qconv3x3s2_3_32_224.onnx  the ReActNet-A stem the same way, with int8 activations (zero point 0).
  NAME.in0.npy          one fixed input per model; the single binary layers' input never comes
                        near 0 (values (k + 1/2) / 8), so Sign never sees a value it could round to
                        0; cnv_w1a1's is the input its BatchNorms were calibrated on.
  manifest.json         the models, their inputs and their MAC counts per image (kind
                        binary-layer or float-layer for the single layers, bnn for cnv_w1a1).

Three of the layers do the same number of multiply-accumulates per image:
Ho * Wo * Cout * Cin * k * k = 14*14*256*256*9 = 28*28*128*128*9 = 56*56*64*64*9 = 115,605,504;
the stem does 112*112*64*3*49 = 118,013,952, the 1x1 layer 7*7*512*512 = 12,845,056, and
cnv_w1a1 57,906,176 binary MACs and 1,555,200 float ones (its first conv). The float shortcut does
14*14*256*128 = 6,422,528, ReActNet's stem 112*112*32*3*9 = 10,838,016, the head 512,000.

Deterministic: fixed seeds. Uses torch 1.13 and onnx 1.12 (Debian's python3).
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

from gen_bireal18 import Probe, per_channel, set_bn, sign_act

OPSET = 13


class BinConv2d(nn.Conv2d):
    """Conv2d with weights Sign(W) * alpha_c, alpha_c = mean |W_c| (XNOR-Net); zero padding."""

    def forward(self, x):
        w = self.weight
        alpha = w.abs().mean(dim=(1, 2, 3), keepdim=True)
        return F.conv2d(x, torch.sign(w) * alpha, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class BinLinear(nn.Linear):
    """Linear with weights Sign(W) * alpha_o, alpha_o = mean |W_o| (per output feature)."""

    def forward(self, x):
        w = self.weight
        alpha = w.abs().mean(dim=1, keepdim=True)
        return F.linear(x, torch.sign(w) * alpha, self.bias)


class BinaryConvLayer(nn.Module):
    def __init__(self, c, gen, k=3):
        super().__init__()
        self.conv = BinConv2d(c, c, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c)
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(c, generator=gen) * 2.0)
            self.bn.running_var.copy_(50.0 + 50.0 * torch.rand(c, generator=gen))
            self.bn.weight.copy_(0.5 + torch.rand(c, generator=gen))
            self.bn.bias.copy_(torch.randn(c, generator=gen) * 0.1)

    def forward(self, x):
        return self.bn(self.conv(torch.sign(x)))


class CNVw1a1(nn.Module):
    """FINN's CNV-w1a1 topology (see the module docstring)."""

    CONVS = [(64, 64), (64, 128), (128, 128), (128, 256), (256, 256)]  # the binary convs
    POOL_AFTER = (0, 2)  # a 2x2 max-pool after these binary convs (before their Sign)

    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(3, 64, 3, bias=False)
        self.bn0 = nn.BatchNorm2d(64, eps=1e-4)
        self.convs = nn.ModuleList(BinConv2d(ci, co, 3, bias=False) for ci, co in self.CONVS)
        self.bns = nn.ModuleList(nn.BatchNorm2d(co, eps=1e-4) for _, co in self.CONVS)
        self.fcs = nn.ModuleList([BinLinear(256, 512, bias=False), BinLinear(512, 512, bias=False),
                                  BinLinear(512, 10, bias=False)])
        self.fc_bns = nn.ModuleList([nn.BatchNorm1d(512, eps=1e-4), nn.BatchNorm1d(512, eps=1e-4)])
        with torch.no_grad():  # Sign(0) = 0 would make d odd: no latent weight is exactly 0
            for m in list(self.convs) + list(self.fcs):
                m.weight.copy_(torch.where(m.weight == 0, torch.full_like(m.weight, 1e-6),
                                           m.weight))
        self.calibrating = False
        self.gen = None

    def _lattice_bn(self, bn, y, alpha, q):
        """bn(alpha_c * d) = G_c * (d - 2 m_c + 2 j_c + 1): odd multiples of G_c, with m_c the
        q-quantile of d / 2 over the input and j_c in {-1, 0}."""
        g = self.gen
        G = 0.25 + 0.75 * torch.rand(alpha.numel(), generator=g, dtype=torch.float64)
        q_h = per_channel(y) / alpha[:, None] / 2
        h = torch.round(q_h)
        if float((q_h - h).abs().max()) > 1e-2:
            raise RuntimeError("binary layer output off the even multiples of alpha")
        m = torch.quantile(h, q, dim=1).floor()
        j = torch.randint(-1, 1, (alpha.numel(),), generator=g).double()
        set_bn(bn, 2 * m * alpha, G / alpha, G * (2 * j + 1), g)

    def forward(self, x):
        v = self.conv0(x)
        if self.calibrating:  # v = n / 2048 exactly (k / 128 inputs, k / 16 weights)
            self._lattice_bn(self.bn0, v, torch.full((64,), 1 / 4096, dtype=torch.float64), 0.5)
        x = sign_act(self.bn0(v))
        for i, (conv, bn) in enumerate(zip(self.convs, self.bns)):
            y = conv(x)
            pool = i in self.POOL_AFTER
            if self.calibrating:  # before a 2x2 max-pool: half of the maxima positive
                alpha = conv.weight.detach().abs().mean(dim=(1, 2, 3)).double()
                self._lattice_bn(bn, y, alpha, 0.5 ** 0.25 if pool else 0.5)
            y = bn(y)
            x = sign_act(F.max_pool2d(y, 2) if pool else y)
        x = torch.flatten(x, 1)
        for fc, bn in zip(self.fcs[:2], self.fc_bns):
            y = fc(x)
            if self.calibrating:
                self._lattice_bn(bn, y, fc.weight.detach().abs().mean(dim=1).double(), 0.5)
            x = sign_act(bn(y))
        return self.fcs[2](x)


def cnv_w1a1(seed):
    """The model (calibrated), its input, and the smallest |value| reaching a Sign."""
    torch.manual_seed(seed)
    m = CNVw1a1()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():  # dyadic first-layer weights: k / 16, k in [-8, 8]
        m.conv0.weight.copy_(torch.randint(-8, 9, m.conv0.weight.shape, generator=g).float() / 16)
    rng = np.random.default_rng(seed)
    x = (rng.integers(-128, 128, size=(1, 3, 32, 32)) / 128).astype(np.float32)
    m.eval()
    m.gen = g
    with torch.no_grad():
        m.calibrating = True
        try:
            m(torch.from_numpy(x))
        finally:
            m.calibrating = False
        Probe.values = []
        try:
            m(torch.from_numpy(x))
            presign = (min(Probe.values), len(Probe.values))
        finally:
            Probe.values = None
    return m, x, presign


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

    # More single binary layers, with their own seeds (the models above stay as they were),
    # listed next to the first one.
    for pos, (name, c, hw, k, seed) in enumerate((("bconv3x3_128_28", 128, 28, 3, 2),
                                                  ("bconv1x1_512_7", 512, 7, 1, 3)), start=1):
        torch.manual_seed(seed)
        m = BinaryConvLayer(c, torch.Generator().manual_seed(seed), k=k)
        x = half_offset_input(np.random.default_rng(seed), (1, c, hw, hw))
        export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=False)
        np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
        pad = f"pad {k // 2}" if k > 1 else "no padding"
        models.insert(pos, {"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                            "kind": "binary-layer", "macs": hw * hw * c * c * k * k,
                            "what": f"Sign -> binary {k}x{k} conv {c}->{c} @ {hw}x{hw} ({pad}) "
                                    "-> BN"})

    # Ternary weights (a pruned binary layer): the 3x3 256 -> 256 layer with 30% of its latent
    # weights exactly 0, so Sign(W) * alpha holds zeros (bnnc: a weight mask plane).
    name, c, hw = "bconv3x3_256_14_t30", 256, 14
    torch.manual_seed(5)
    m = BinaryConvLayer(c, torch.Generator().manual_seed(5))
    with torch.no_grad():
        w = m.conv.weight.view(-1)
        w[torch.rand(w.numel(), generator=torch.Generator().manual_seed(6)) < 0.3] = 0.0
    x = half_offset_input(np.random.default_rng(5), (1, c, hw, hw))
    export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=False)
    np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
    models.insert(3, {"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                      "kind": "binary-layer", "macs": hw * hw * c * c * 9,
                      "what": f"Sign -> binary 3x3 conv {c}->{c} @ {hw}x{hw} (pad 1), 30% of its "
                              "weights 0 (ternary) -> BN"})

    # FINN's CNV-w1a1 (CIFAR-10), calibrated on its input.
    m, x, (presign, n_signs) = cnv_w1a1(4)
    name = "cnv_w1a1"
    export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=False)
    np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
    bin_macs = sum(c.weight[0].numel() * hw * hw * c.out_channels
                   for c, hw in zip(m.convs, (28, 12, 10, 3, 1)))
    bin_macs += sum(fc.weight.numel() for fc in m.fcs)
    float_macs = 30 * 30 * 64 * 27
    models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                   "kind": "bnn", "macs": bin_macs + float_macs,
                   "what": f"FINN CNV-w1a1 @ 3x32x32: float 3x3 conv 3->64, 5 binary 3x3 convs "
                           f"(64-256), 3 binary FCs (512, 512, 10); {bin_macs:,} binary + "
                           f"{float_macs:,} float MACs"})

    # The other float layers of Bi-Real-Net-18 and ReActNet-A, each with its own seed.
    def folded_conv_bn(cin, cout, k, stride, pad, seed):
        gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        m = nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=False),
                          nn.BatchNorm2d(cout))
        with torch.no_grad():
            m[1].running_mean.copy_(torch.randn(cout, generator=gen) * 0.1)
            m[1].running_var.copy_(0.5 + torch.rand(cout, generator=gen))
        return m

    for name, cin, cout, k, stride, pad, hw, seed, what in (
            ("fconv1x1_128_256_14", 128, 256, 1, 1, 0, 14, 5,
             "float 1x1 conv 128->256 @ 14x14 + BN: a Bi-Real-18 downsampling shortcut"),
            ("fconv3x3s2_3_32_224", 3, 32, 3, 2, 1, 224, 6,
             "float 3x3/2 conv 3->32 @ 224x224 (pad 1) + BN: the ReActNet-A stem")):
        m = folded_conv_bn(cin, cout, k, stride, pad, seed)
        x = np.random.default_rng(seed).standard_normal((1, cin, hw, hw)).astype(np.float32)
        export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=True)
        np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
        ho = (hw + 2 * pad - k) // stride + 1
        models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                       "kind": "float-layer", "macs": ho * ho * cout * cin * k * k,
                       "what": what})

    # The two stems as QDQ int8 layers: the float stem's folded weights quantized per output
    # channel (symmetric int8), the input quantized per tensor.
    def qdq_stem(name, float_name, k, stride, pad, unsigned):
        fm = onnx.load(os.path.join(args.outdir, float_name + ".onnx"))
        inits = {t.name: numpy_helper.to_array(t) for t in fm.graph.initializer}
        conv = next(n for n in fm.graph.node if n.op_type == "Conv")
        w, b = inits[conv.input[1]], inits[conv.input[2]]
        ws = (np.abs(w).reshape(w.shape[0], -1).max(axis=1) / 127).astype(np.float32)
        wq = np.clip(np.round(w / ws[:, None, None, None]), -127, 127).astype(np.int8)
        x = np.load(os.path.join(args.outdir, float_name + ".in0.npy"))
        zx = np.array(128 if unsigned else 0, np.uint8 if unsigned else np.int8)
        sx = np.array(8.0 / 255, np.float32)
        ho = (x.shape[2] + 2 * pad - k) // stride + 1
        graph = helper.make_graph(
            [helper.make_node("QuantizeLinear", ["in0", "sx", "zx"], ["xq"]),
             helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"]),
             helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], axis=0),
             helper.make_node("Conv", ["xd", "w", "b"], ["out0"], kernel_shape=[k, k],
                              strides=[stride, stride], pads=[pad] * 4)],
            name, [helper.make_tensor_value_info("in0", TensorProto.FLOAT, list(x.shape))],
            [helper.make_tensor_value_info("out0", TensorProto.FLOAT, [1, w.shape[0], ho, ho])],
            [numpy_helper.from_array(sx, "sx"), numpy_helper.from_array(zx, "zx"),
             numpy_helper.from_array(wq, "wq"), numpy_helper.from_array(ws, "ws"),
             numpy_helper.from_array(np.zeros(w.shape[0], np.int8), "wz"),
             numpy_helper.from_array(b.astype(np.float32), "b")])
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(args.outdir, name + ".onnx"))
        np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
        return ho * ho * w.shape[0] * w.shape[1] * k * k

    for name, float_name, k, stride, pad, unsigned, what in (
            ("qconv7x7s2_3_64_224", "fconv7x7s2_3_64_224", 7, 2, 3, True,
             "int8 QDQ 7x7/2 conv 3->64 @ 224x224 (pad 3, uint8 activations): the Bi-Real-18 stem"),
            ("qconv3x3s2_3_32_224", "fconv3x3s2_3_32_224", 3, 2, 1, False,
             "int8 QDQ 3x3/2 conv 3->32 @ 224x224 (pad 1, int8 activations): the ReActNet-A stem")):
        macs = qdq_stem(name, float_name, k, stride, pad, unsigned)
        models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                       "kind": "int8-layer", "macs": macs, "what": what})

    torch.manual_seed(7)
    m = nn.Linear(512, 1000)
    x = np.random.default_rng(7).standard_normal((1, 512)).astype(np.float32)
    name = "fgemm_512_1000"
    export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=True)
    np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
    models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                   "kind": "float-layer", "macs": 512 * 1000,
                   "what": "float Gemm 512->1000 + bias: the ResNet-18 / Bi-Real-18 head"})

    # MobileNet's depthwise 3x3, 256 channels at 28x28: binary (Sign, Sign(W) * alpha_c, BN) and
    # float (BN folded), with one seed.
    c, hw = 256, 28
    torch.manual_seed(8)
    gen = torch.Generator().manual_seed(8)
    conv = BinConv2d(c, c, 3, padding=1, groups=c, bias=False)
    bn = nn.BatchNorm2d(c)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
        bn.running_var.copy_(0.5 + torch.rand(c, generator=gen))

    class SignThen(nn.Module):
        def __init__(self, body):
            super().__init__()
            self.body = body

        def forward(self, x):
            return self.body(torch.sign(x))

    x = half_offset_input(np.random.default_rng(8), (1, c, hw, hw))
    for name, m, fold, kind, what in (
            ("bdw3x3_256_28", SignThen(nn.Sequential(conv, bn)), False, "binary-dw-layer",
             f"Sign -> binary depthwise 3x3 conv {c} @ {hw}x{hw} (pad 1) -> BN"),
            ("fdw3x3_256_28", nn.Sequential(nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False), bn),
             True, "float-layer", f"float depthwise 3x3 conv {c} @ {hw}x{hw} (pad 1) + BN")):
        export(m, x, os.path.join(args.outdir, name + ".onnx"), fold=fold)
        np.save(os.path.join(args.outdir, name + ".in0.npy"), x)
        models.append({"name": name, "file": name + ".onnx", "inputs": [name + ".in0.npy"],
                       "kind": kind, "macs": hw * hw * c * 9, "what": what})

    with open(os.path.join(args.outdir, "manifest.json"), "w") as f:
        json.dump({"models": models}, f, indent=1)
    for mdl in models:
        print(f"wrote {os.path.join(args.outdir, mdl['file'])}: {mdl['what']}, "
              f"{mdl['macs']:,} MACs per image")
    print(f"cnv_w1a1: min |pre-sign value| over {n_signs} Sign inputs: {presign:.4g} (at least "
          f"its BatchNorm's step G_c, in [0.25, 1))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
