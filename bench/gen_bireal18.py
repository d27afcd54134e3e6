"""Builds a Bi-Real-Net-18-shaped BNN (224x224 input, random weights) and exports it to ONNX.

    /usr/bin/python3 bench/gen_bireal18.py OUT.onnx [--batch N] [--seed S]

Writes OUT.onnx (opset 13, exported with do_constant_folding=False, so the weight-side Abs /
ReduceMean / Sign / Mul subgraph of every binary conv stays in the file, as in real exports) and
OUT.in0.npy, the input the BatchNorm statistics were calibrated on (use it to compare bnnc with
onnxruntime). Prints the parameter counts and the smallest |value| that reaches a Sign.

Architecture (Liu et al., Bi-Real Net, ECCV 2018, the 18-layer variant):
  stem:  float Conv 7x7/2, 3 -> 64 (no bias), BatchNorm, MaxPool 3x3/2 (pad 1)      -> 64x56x56
  4 stages of 2 basic blocks, channels 64, 128, 256, 512; every block is two units,
  unit:  y = BN(BinConv3x3(Sign(x))) + shortcut(x)   (Bi-Real's real-valued shortcut around
         EACH binary conv); BinConv weights are Sign(W) * mean|W| per output channel;
         the first unit of stages 2-4 downsamples: stride-2 binary conv, and the shortcut is
         AvgPool2d(2) -> float Conv 1x1 -> BN; the other units' shortcut is the identity.
  head:  global average pool, float Linear 512 -> 1000.
16 binary 3x3 convs in all.

"BatchNorm keeping pre-sign values away from 0": a binarized network amplifies rounding
differences (a value within ~1e-6 of 0 may flip its sign between two float implementations),
so the BatchNorm statistics are set, in one calibration pass over the input, so that every value
reaching a Sign is x = L + r with L an odd multiple of a per-channel step G_c and |r| <= G_c / 4,
hence |x| >= 3/4 G_c:
  * the input and the stem weights are dyadic, so the stem conv is exact (multiples of 1/64),
    and the stem BN maps it onto odd multiples of G_c (MaxPool keeps them);
  * a binary conv yields alpha_c * d with d an even integer (Cin * taps is even): the BN of a
    unit with an identity shortcut maps it to even multiples of G_c (adding one keeps L odd);
    the BN of a downsampling unit maps it to odd multiples of G_c, and that unit's float
    shortcut BN is scaled so that its output stays within G_c / 4 (it becomes r).
The BN centres are the per-channel medians, so both signs occur about equally.
"""

import argparse
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSET = 13


class Probe:
    """Collects min |x| over every Sign input while active."""

    values = None


def sign_act(x):
    if Probe.values is not None:
        Probe.values.append(float(x.detach().abs().min()))
    return torch.sign(x)


class Calib:
    on = False


class BinConv3x3(nn.Conv2d):
    """3x3 conv, zero padding 1, weights Sign(W) * mean|W_c| (per output channel)."""

    def __init__(self, cin, cout, stride):
        super().__init__(cin, cout, 3, stride=stride, padding=1, bias=False)

    def alpha(self):
        return self.weight.detach().abs().mean(dim=(1, 2, 3))

    def forward(self, x):
        w = self.weight
        wb = torch.sign(w) * w.abs().mean(dim=(1, 2, 3), keepdim=True)
        return F.conv2d(x, wb, None, self.stride, self.padding)


def set_bn(bn, mean, scale, beta, gen):
    """bn(y) = scale * (y - mean) + beta, with a random running variance."""
    var = 0.5 + 1.5 * torch.rand(bn.num_features, generator=gen, dtype=torch.float64)
    with torch.no_grad():
        bn.running_mean.copy_(mean.float())
        bn.running_var.copy_(var.float())
        bn.weight.copy_((scale * torch.sqrt(var + bn.eps)).float())
        bn.bias.copy_(beta.float())


def per_channel(y):
    """[N, C, H, W] -> [C, N*H*W] (float64)."""
    return y.detach().double().transpose(0, 1).reshape(y.shape[1], -1)


class Unit(nn.Module):
    """y = BN(BinConv(Sign(x))) + shortcut(x)."""

    def __init__(self, cin, cout, stride, step, seed):
        super().__init__()
        self.conv = BinConv3x3(cin, cout, stride)
        self.bn = nn.BatchNorm2d(cout)
        self.down = stride != 1 or cin != cout
        if self.down:
            self.pool = nn.AvgPool2d(2)
            self.sc_conv = nn.Conv2d(cin, cout, 1, bias=False)
            self.sc_bn = nn.BatchNorm2d(cout)
        self.step = step  # G_c of this unit's output
        self.seed = seed

    def calibrate(self, y, s):
        g = torch.Generator().manual_seed(self.seed)
        G = self.step.double()
        alpha = self.conv.alpha().double()
        half_d = torch.round(per_channel(y) / alpha[:, None] / 2)  # d / 2, an integer
        m = torch.quantile(half_d, 0.5, dim=1).round()
        # branch = G * (d - 2m + 2j) (even multiples), or G * (d - 2m + 2j + 1) when downsampling
        j = torch.randint(-1, 1 if self.down else 2, (G.numel(),), generator=g).double()
        odd = 1.0 if self.down else 0.0
        set_bn(self.bn, 2 * m * alpha, G / alpha, G * (2 * j + odd), g)
        if self.down:
            v = per_channel(s)
            mu = v.mean(dim=1)
            span = (v - mu[:, None]).abs().max(dim=1).values.clamp_min(1e-12)
            set_bn(self.sc_bn, mu, 0.25 * G / span, torch.zeros_like(G), g)

    def forward(self, x):
        y = self.conv(sign_act(x))
        s = self.sc_conv(self.pool(x)) if self.down else x
        if Calib.on:
            self.calibrate(y, s)
        b = self.bn(y)
        return b + (self.sc_bn(s) if self.down else s)


class BiReal18(nn.Module):
    def __init__(self, gen, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        units = []
        cin, seed = 64, 100
        self.step0 = 0.25 + 0.75 * torch.rand(64, generator=gen)
        step = self.step0
        for stage, cout in enumerate((64, 128, 256, 512)):
            for k in range(4):  # 2 blocks x 2 units
                stride = 2 if stage > 0 and k == 0 else 1
                if cout != cin:
                    step = 0.25 + 0.75 * torch.rand(cout, generator=gen)
                units.append(Unit(cin, cout, stride, step, seed))
                cin, seed = cout, seed + 1
        self.units = nn.Sequential(*units)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)

    def calibrate_stem(self, v):
        # v = n / 64 exactly; bn1(v) = G * (2 (n - n0) + 1), centred so that after the 3x3
        # max-pool (a max of 9) both signs are about equally frequent: 0.5 ** (1/9) = 0.926.
        g = torch.Generator().manual_seed(7)
        n = torch.round(per_channel(v) * 64)
        n0 = torch.quantile(n, 0.926, dim=1).floor()
        G = self.step0.double()
        set_bn(self.bn1, n0 / 64, 128 * G, G, g)

    def forward(self, x):
        v = self.conv1(x)
        if Calib.on:
            self.calibrate_stem(v)
        x = self.maxpool(self.bn1(v))
        x = self.units(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def seeded(seed):
    """Seeds torch (and limits its threads); returns a generator for the weights."""
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def dyadic_stem_and_input(model, gen, seed, batch):
    """Dyadic stem weights (k / 16, k in [-4, 4]) and a dyadic input (k / 4), so that the stem
    conv is exact; puts the model in eval mode. Returns the input as numpy and torch tensors."""
    with torch.no_grad():
        model.conv1.weight.copy_(
            torch.randint(-4, 5, model.conv1.weight.shape, generator=gen).float() / 16)
    model.eval()
    rng = np.random.default_rng(seed)
    x = (rng.integers(-4, 5, size=(batch, 3, 224, 224)) / 4).astype(np.float32)
    return x, torch.from_numpy(x)


def calibrate(model, xt):
    """One pass over the input with Calib.on: every layer sets its BatchNorm statistics."""
    with torch.no_grad():
        Calib.on = True
        try:
            model(xt)
        finally:
            Calib.on = False


def export(model, x, xt, out):
    """Exports `model` to `out` (opset OPSET, no constant folding) and its input beside it as
    STEM.in0.npy; returns STEM."""
    stem = os.path.splitext(out)[0]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (xt,), out, opset_version=OPSET, input_names=["in0"],
                          output_names=["out0"], do_constant_folding=False)
    np.save(stem + ".in0.npy", x)
    return stem


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="the .onnx file to write")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args(argv)

    gen = seeded(args.seed)
    model = BiReal18(gen)
    x, xt = dyadic_stem_and_input(model, gen, args.seed, args.batch)
    calibrate(model, xt)
    with torch.no_grad():
        Probe.values = []
        try:
            model(xt)
            presign = min(Probe.values)
            n_signs = len(Probe.values)
        finally:
            Probe.values = None
    stem = export(model, x, xt, args.out)

    binary = sum(u.conv.weight.numel() for u in model.units)
    total = sum(p.numel() for p in model.parameters())
    bn_buffers = sum(b.numel() for n, b in model.named_buffers() if "running" in n)
    print(f"wrote {args.out} ({os.path.getsize(args.out):,} bytes) and {stem}.in0.npy")
    print(f"binary conv weights: {binary:,} in 16 convs; float parameters: {total - binary:,} "
          f"(+ {bn_buffers:,} BN running statistics)")
    print(f"min |pre-sign value| over {n_signs} Sign inputs: {presign:.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
