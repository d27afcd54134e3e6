"""Generates the small ONNX models of bnnc's end-to-end tests, with one fixed input each.

    python3 gen_models.py OUTDIR [--only NAME ...]

Writes, for every model NAME (a family name plus an opset suffix, _op13 or _op17):
  OUTDIR/NAME.onnx, OUTDIR/NAME.in0.npy [, NAME.in1.npy ...]
and OUTDIR/manifest.json listing them (file, inputs with shapes, outputs, opset, kind).
--only takes family names (float_cnn) or full names (float_cnn_op13) and may be repeated.

Everything is deterministic: fixed seeds, single-threaded torch.

The models are exported with torch.onnx.export. Float models are exported as usual (constant
folding on, so BatchNorm after a float conv is folded into it). Fake-quant BNN models are exported
with do_constant_folding=False, as real exports are, so the weight-side Sign / Abs / ReduceMean /
Mul subgraph arrives intact.

Binarized models amplify float-rounding differences: a pre-sign value within ~1e-6 of 0 may
flip. So every value that reaches a Sign here lies on a lattice offset by half a step:
  * the inputs and the float stem's weights are dyadic (multiples of 1/16), so the stem conv sums
    exactly to multiples of 1/256;
  * a binary conv / linear computes alpha_c * d with d an integer;
  * every BatchNorm that feeds a Sign maps the lattice unit u_c of its input to (Z + 1/2) * t_c:
    mean_c = u_c * (k_c + j_c + 1/2), beta_c = t_c * j_c, gamma_c / sqrt(var_c + eps) = t_c / u_c;
  * a residual adds a (Z + 1/2) * t_c / 2 branch to a (Z + 1/2) * t_c shortcut: the sum is an odd
    multiple of t_c / 4, never 0; PReLU (slope > 0) and MaxPool keep signs.
The BatchNorm statistics are calibrated on the model's own test input (k_c = the median of d, or
a higher quantile before a max-pool), so both signs occur about equally. The smallest |pre-sign
value| is checked and recorded in the manifest.
"""

import argparse
import json
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OPSETS = (13, 17)
MIN_PRESIGN_ABS = 1e-2  # every pre-sign value of the BNN test models is at least this far from 0

# ---------------------------------------------------------------------------------------------
# building blocks


class Binarize(nn.Module):
    """torch.sign, exported as ONNX Sign. Records min |input| while a probe is active."""

    probe = None  # a list while probing, else None

    def forward(self, x):
        if Binarize.probe is not None:
            Binarize.probe.append(float(x.detach().abs().min()))
        return torch.sign(x)


class SteBinarize(nn.Module):
    """The straight-through-estimator encoding, clip + x + (sign(x) - x).detach():
    exports as Clip, Sign, Sub, Add."""

    def forward(self, x):
        if Binarize.probe is not None:
            Binarize.probe.append(float(x.detach().abs().min()))
        c = torch.clamp(x, -1.0, 1.0)
        return c + (torch.sign(c) - c).detach()


def xnor_weight(w):
    """Sign(W) * mean|W| over the input dims (per output channel), as XNOR-Net."""
    dims = tuple(range(1, w.dim()))
    return torch.sign(w) * w.abs().mean(dim=dims, keepdim=True)


class BinConv2d(nn.Conv2d):
    """Conv2d whose weight is Sign(W) * alpha_c (alpha_c = mean |W_c|); zero padding as ONNX."""

    def __init__(self, *args, ste=False, **kwargs):
        kwargs.setdefault("bias", False)
        super().__init__(*args, **kwargs)
        self.ste = ste

    def alpha(self):
        return self.weight.detach().abs().mean(dim=tuple(range(1, self.weight.dim())))

    def forward(self, x):
        if self.ste:
            w = self.weight
            wb = w + (xnor_weight(w) - w).detach()
        else:
            wb = xnor_weight(self.weight)
        return self._conv_forward(x, wb, self.bias)


class BinConv1d(nn.Conv1d):
    """Conv1d whose weight is Sign(W) * alpha_c (alpha_c = mean |W_c|); zero padding as ONNX."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("bias", False)
        super().__init__(*args, **kwargs)

    alpha = BinConv2d.alpha

    def forward(self, x):
        return self._conv_forward(x, xnor_weight(self.weight), self.bias)


class BinLinear(nn.Linear):
    """Linear whose weight is Sign(W) * alpha_o (alpha_o = mean |W_o|)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("bias", False)
        super().__init__(*args, **kwargs)

    def alpha(self):
        return self.weight.detach().abs().mean(dim=1)

    def forward(self, x):
        return F.linear(x, xnor_weight(self.weight), self.bias)


class LatticeBN(nn.Module):
    """A BatchNorm (exported as plain BatchNormalization) whose statistics are set, in one
    calibration pass, so that inputs on the lattice unit * Z come out on (Z + 1/2) * t."""

    calibrating = False

    def __init__(self, channels, unit, t, seed, dims=4, quantile=0.5):
        super().__init__()
        self.quantile = quantile  # of the input that lands on 0 (0.5: balanced signs)
        self.bn = nn.BatchNorm2d(channels) if dims == 4 else nn.BatchNorm1d(channels)  # 1d: 2-D or 3-D
        self.channels = channels
        self.unit = unit  # a float, or a callable returning the per-channel unit
        self.t = torch.as_tensor(t, dtype=torch.float32).expand(channels).clone()
        self.seed = seed

    def _unit(self):
        u = self.unit() if callable(self.unit) else self.unit
        return torch.as_tensor(u, dtype=torch.float32).expand(self.channels).clone()

    def calibrate(self, x):
        g = torch.Generator().manual_seed(self.seed)
        u = self._unit().double()
        t = self.t.double()
        perm = (1, 0) + tuple(range(2, x.dim()))
        q = torch.round(x.detach().double().permute(*perm).reshape(self.channels, -1) / u[:, None])
        k = torch.quantile(q, self.quantile, dim=1).floor()
        j = torch.randint(-2, 3, (self.channels,), generator=g).double()
        var = 0.5 + 1.5 * torch.rand(self.channels, generator=g, dtype=torch.float64)
        eps = self.bn.eps
        with torch.no_grad():
            self.bn.running_mean.copy_((u * (k + j + 0.5)).float())
            self.bn.running_var.copy_(var.float())
            self.bn.weight.copy_((t / u * torch.sqrt(var + eps)).float())
            self.bn.bias.copy_((t * j).float())

    def forward(self, x):
        if LatticeBN.calibrating:
            self.calibrate(x)
        return self.bn(x)


def steps(channels, gen, hi=1.0):
    """Random per-channel lattice steps t_c in [0.25, hi)."""
    return 0.25 + (hi - 0.25) * torch.rand(channels, generator=gen)


def dyadic_(param, gen, lo=-8, hi=8, denom=16.0):
    """Fill a parameter with multiples of 1/denom in [lo/denom, hi/denom]."""
    with torch.no_grad():
        param.copy_(torch.randint(lo, hi + 1, param.shape, generator=gen).float() / denom)


def calibrate(model, inputs):
    model.eval()
    LatticeBN.calibrating = True
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        LatticeBN.calibrating = False


def presign_min_abs(model, inputs):
    Binarize.probe = []
    try:
        with torch.no_grad():
            model(*inputs)
        return min(Binarize.probe) if Binarize.probe else None
    finally:
        Binarize.probe = None


def randn(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def dyadic_input(rng, *shape, lo=-16, hi=16, denom=16.0):
    return (rng.integers(lo, hi + 1, size=shape) / denom).astype(np.float32)


def half_offset_input(rng, *shape, n=8):
    """Values (k + 1/2) / n, never 0: for inputs that go straight into a Sign."""
    return ((rng.integers(-n, n, size=shape) + 0.5) / n).astype(np.float32)


def randomize_bn_(bn, gen):
    """Non-trivial BatchNorm statistics for float models."""
    with torch.no_grad():
        c = bn.num_features
        bn.running_mean.copy_(torch.randn(c, generator=gen) * 0.2)
        bn.running_var.copy_(0.5 + torch.rand(c, generator=gen))
        bn.weight.copy_(0.5 + torch.rand(c, generator=gen))
        bn.bias.copy_(torch.randn(c, generator=gen) * 0.2)


# ---------------------------------------------------------------------------------------------
# models: each builder returns (module, [input arrays], kind[, options]); kind is "float" or
# "bnn"; options: {"fold": bool} overrides the constant folding (default: on for float models).

BUILDERS = {}


def builder(name):
    def register(fn):
        BUILDERS[name] = fn
        return fn

    return register


@builder("float_cnn")
def build_float_cnn():
    class FloatCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 3, stride=1, padding=1)
            self.bn1 = nn.BatchNorm2d(8)  # directly after a float conv: folded at export
            self.conv2 = nn.Conv2d(8, 8, 3, stride=2, padding=2, dilation=2, groups=4)
            self.bn2 = nn.BatchNorm2d(8)  # after a ReLU: kept as BatchNormalization
            self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(8, 16, (3, 1), padding=(1, 0))
            self.pool2 = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
            self.pool3 = nn.AvgPool2d(2)
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            x = F.relu(self.bn1(self.conv1(x)))
            x = self.bn2(F.relu(self.conv2(x)))
            x = self.pool1(x)
            x = F.relu(self.conv3(x))
            x = self.pool3(self.pool2(x))
            x = torch.flatten(self.gap(x), 1)
            return torch.softmax(self.fc(x), dim=1)

    torch.manual_seed(1)
    m = FloatCNN()
    g = torch.Generator().manual_seed(11)
    randomize_bn_(m.bn1, g)
    randomize_bn_(m.bn2, g)
    rng = np.random.default_rng(101)
    return m, [randn(rng, 2, 3, 16, 16)], "float"


@builder("float_pools")
def build_float_pools():
    """Float convs whose only reader is a MaxPool, which the conv kernel then writes pooled:
    ResNet's 3x3/2 pad 1 after a stem with BatchNorm and ReLU, a 2x2/2 pool that tiles, a 3x3/1
    pool (every position in up to nine windows), a 3x3/2 ceil_mode pool (windows past the
    bottom and right edges), on odd sizes and channel counts that are not a block multiple;
    and a conv read by a MaxPool and by an AveragePool, which stays a separate pooling."""

    class FloatPools(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Conv2d(3, 24, 3, stride=2, padding=1)
            self.bn = nn.BatchNorm2d(24)
            self.conv_a = nn.Conv2d(24, 20, 3, padding=1)
            self.conv_b = nn.Conv2d(24, 12, 1)
            self.conv_c = nn.Conv2d(24, 8, 3, padding=1)
            self.conv_d = nn.Conv2d(24, 6, 1)

        def forward(self, x):
            s = F.max_pool2d(F.relu(self.bn(self.stem(x))), 3, stride=2, padding=1)
            a = F.max_pool2d(self.conv_a(s), 2)
            b = F.max_pool2d(self.conv_b(s), 3, stride=1, padding=1)
            c = F.max_pool2d(self.conv_c(s), 3, stride=2, ceil_mode=True)
            d = self.conv_d(s)
            e = F.max_pool2d(d, 2) + F.avg_pool2d(d, 2)
            return a, b, c, e

    torch.manual_seed(12)
    m = FloatPools()
    randomize_bn_(m.bn, torch.Generator().manual_seed(13))
    rng = np.random.default_rng(112)
    return m, [randn(rng, 2, 3, 37, 45)], "float"


@builder("float_stems")
def build_float_stems():
    """Float convs on an image of a few channels, which the conv kernel reads in NCHW itself
    (a ring of the padded rows it needs, no transposed copy): 4, 2 and 3 channels; 7x7/2 pad 3,
    3x3/1, 5x5 dilation 2 after an asymmetric ZeroPad2d, 3x3/2 pad 1 with BatchNorm; widths
    that are and are not a multiple of the 16-float tile; batch 2; outputs written NCHW
    directly; an image read by two convs."""

    class FloatStems(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv_a = nn.Conv2d(4, 16, 7, stride=2, padding=3)
            self.conv_b = nn.Conv2d(4, 8, 3, padding=1)
            self.pad_c = nn.ZeroPad2d((2, 1, 0, 1))
            self.conv_c = nn.Conv2d(2, 12, 5, dilation=2)
            self.conv_d = nn.Conv2d(3, 10, 3, stride=2, padding=1, bias=False)
            self.bn = nn.BatchNorm2d(10)

        def forward(self, x, g, y):
            a = self.conv_a(x)
            b = F.relu(self.conv_b(x))
            c = self.conv_c(self.pad_c(g))
            d = self.bn(self.conv_d(y))
            return a, b, c, d

    torch.manual_seed(14)
    m = FloatStems()
    randomize_bn_(m.bn, torch.Generator().manual_seed(15))
    rng = np.random.default_rng(114)
    return m, [randn(rng, 2, 4, 29, 35), randn(rng, 2, 2, 23, 40), randn(rng, 2, 3, 20, 32)], "float"


@builder("float_mlp")
def build_float_mlp():
    class FloatMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(32, 48)
            self.prelu = nn.PReLU(48, init=0.2)
            self.w2 = nn.Parameter(torch.randn(48, 40) * 0.2)  # x @ W: MatMul
            self.b2 = nn.Parameter(torch.randn(40) * 0.1)
            self.fc3 = nn.Linear(40, 24)
            self.fc4 = nn.Linear(40, 24)
            self.fc5 = nn.Linear(24, 8)

        def forward(self, x):
            x = self.prelu(self.fc1(x))
            x = F.leaky_relu(torch.matmul(x, self.w2) + self.b2, 0.1)
            a = torch.sigmoid(self.fc3(x))
            b = torch.tanh(self.fc4(x))
            c = F.hardsigmoid(a * 3.0 - b * 2.0)
            d = torch.clamp(self.fc5(c + b), -0.5, 0.75)
            return F.relu6(d * 8.0) - d

    torch.manual_seed(2)
    m = FloatMLP()
    with torch.no_grad():
        m.prelu.weight.copy_(torch.linspace(0.05, 0.5, 48))
    rng = np.random.default_rng(102)
    return m, [randn(rng, 3, 32)], "float"


@builder("float_misc")
def build_float_misc():
    class Misc(nn.Module):
        def forward(self, a, b):
            s = a + b
            d = a - b * 0.5
            m = a * b
            q = a / (b.abs() + 1.0)
            c = torch.cat([s, m], dim=1)  # [2, 8, 6, 6]
            p1, p2 = torch.split(c, [3, 5], dim=1)
            sl = p2[:, 1:4, ::2, 1:]  # [2, 3, 3, 5]
            pd = F.pad(sl, (1, 2, 0, 1), value=0.5)  # [2, 3, 4, 8]
            t = pd.permute(0, 2, 3, 1)  # [2, 4, 8, 3]
            r = t.contiguous().view(2, -1)  # [2, 96] (constant shape; see float_view)
            u = torch.squeeze(p1.unsqueeze(1), 1)  # [2, 3, 6, 6]
            red = torch.mean(q, dim=(2, 3), keepdim=True)  # [2, 4, 1, 1]
            tot = torch.sum(d, dim=1, keepdim=True)  # [2, 1, 6, 6]
            e = torch.exp(-d.abs())
            lg = torch.log(a.abs() + 1.0)
            sq = torch.sqrt(m.abs() + 0.1)
            pw = torch.pow(a.abs() + 0.5, 1.5) + d**2
            y = red + e + lg * sq - pw / (tot.abs() + 2.0) - u.sum(dim=1, keepdim=True)
            return r, -y

    rng = np.random.default_rng(103)
    return Misc(), [randn(rng, 2, 4, 6, 6), randn(rng, 1, 4, 1, 6)], "float"


@builder("float_view")
def build_float_view():
    """The classic classifier head x.view(x.size(0), -1), exported with constant folding off: the
    target shape arrives as Constant, Unsqueeze, Concat feeding Reshape."""

    class FloatView(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 4, 3, stride=2)
            self.fc = nn.Linear(4 * 3 * 3, 6)

        def forward(self, x):
            x = F.relu(self.conv(x))
            x = x.view(x.size(0), -1)
            return self.fc(x)

    torch.manual_seed(7)
    rng = np.random.default_rng(108)
    # Exported with constant folding off, or torch folds the shape computation away.
    return FloatView(), [randn(rng, 2, 2, 7, 7)], "float", {"fold": False}


@builder("bnn_cnn")
def build_bnn_cnn():
    """Float stem, three binary convs (a residual block, a MaxPool), a binary Linear, a float
    head."""

    class BnnCNN(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(21)
            t0 = steps(16, g)
            self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(16, 1.0 / 256, t0, seed=1)
            self.sign1 = Binarize()
            self.conv1 = BinConv2d(16, 16, 3, padding=1)
            self.bn1 = LatticeBN(16, self.conv1.alpha, t0 / 2, seed=2)  # residual: half the step
            self.act1 = nn.PReLU(16, init=0.25)
            self.sign2 = Binarize()
            self.conv2 = BinConv2d(16, 24, 3, padding=1)
            # A 2x2 max-pool follows: centre on the 0.84 quantile so that the pooled signs balance.
            self.bn2 = LatticeBN(24, self.conv2.alpha, steps(24, g), seed=3,
                                 quantile=0.84)
            self.pool = nn.MaxPool2d(2)
            self.sign3 = Binarize()
            self.conv3 = BinConv2d(24, 24, 3, stride=2, padding=1)
            self.bn3 = LatticeBN(24, self.conv3.alpha, steps(24, g), seed=4)
            self.sign4 = Binarize()
            self.fc1 = BinLinear(24 * 3 * 3, 48)
            self.bn4 = LatticeBN(48, self.fc1.alpha, steps(48, g), seed=5, dims=2)
            self.act4 = nn.PReLU(48, init=0.25)
            self.fc2 = nn.Linear(48, 10)

        def forward(self, x):
            h0 = self.bn0(self.stem(x))  # [N,16,12,12]
            h1 = self.act1(self.bn1(self.conv1(self.sign1(h0))) + h0)
            h2 = self.pool(self.bn2(self.conv2(self.sign2(h1))))  # [N,24,6,6]
            h3 = self.bn3(self.conv3(self.sign3(h2)))  # [N,24,3,3]
            f = torch.flatten(h3, 1)
            z = self.act4(self.bn4(self.fc1(self.sign4(f))))
            return self.fc2(z)

    torch.manual_seed(3)
    m = BnnCNN()
    with torch.no_grad():
        m.act1.weight.copy_(torch.linspace(0.1, 0.4, 16))
    rng = np.random.default_rng(104)
    return m, [dyadic_input(rng, 2, 3, 12, 12)], "bnn"


@builder("bnn_wide_stem")
def build_bnn_wide_stem():
    """A float stem of 72 channels binarized and packed for the first binary layer: two words
    per position, the second of 8 real channels (the stem kernel's blocks beyond them are
    padding channels whose bits are masked off); 13-wide rows (a remainder after the pixel
    blocks); batch 2."""

    class WideStem(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(51)
            self.stem = nn.Conv2d(3, 72, 3, padding=1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(72, 1.0 / 256, steps(72, g), seed=52)
            self.sign1 = Binarize()
            self.conv1 = BinConv2d(72, 16, 3, padding=1)
            self.bn1 = LatticeBN(16, self.conv1.alpha, steps(16, g), seed=53)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            h = self.bn0(self.stem(x))
            h = self.bn1(self.conv1(self.sign1(h)))
            return self.fc(h.mean(dim=(2, 3)))

    torch.manual_seed(5)
    m = WideStem()
    rng = np.random.default_rng(151)
    return m, [dyadic_input(rng, 2, 3, 13, 13)], "bnn"


@builder("bnn_mlp")
def build_bnn_mlp():
    """Binary Linear layers on a binarized input, BatchNorm1d, PReLU, float head."""

    class BnnMLP(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(22)
            self.sign0 = Binarize()
            self.fc1 = BinLinear(100, 70)
            self.bn1 = LatticeBN(70, self.fc1.alpha, steps(70, g), seed=6, dims=2)
            self.sign1 = Binarize()
            self.fc2 = BinLinear(70, 33)
            self.bn2 = LatticeBN(33, self.fc2.alpha, steps(33, g), seed=7, dims=2)
            self.act2 = nn.PReLU(33, init=0.2)
            self.fc3 = nn.Linear(33, 10)

        def forward(self, x):
            h = self.bn1(self.fc1(self.sign0(x)))
            h = self.act2(self.bn2(self.fc2(self.sign1(h))))
            return self.fc3(h)

    torch.manual_seed(4)
    m = BnnMLP()
    rng = np.random.default_rng(105)
    return m, [half_offset_input(rng, 4, 100)], "bnn"


@builder("bnn_tail")
def build_bnn_tail():
    """Channel counts that are not multiples of 32/64 (packing tails), groups, stride, no pad."""

    class BnnTail(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(23)
            self.sign0 = Binarize()
            self.conv1 = BinConv2d(70, 30, 3, padding=1)
            self.bn1 = LatticeBN(30, self.conv1.alpha, steps(30, g), seed=8)
            self.sign1 = Binarize()
            self.conv2 = BinConv2d(30, 33, 3, stride=2, padding=1, groups=3)
            self.bn2 = LatticeBN(33, self.conv2.alpha, steps(33, g), seed=9)
            self.sign2 = Binarize()
            self.conv3 = BinConv2d(33, 40, 2, padding=0)
            self.bn3 = LatticeBN(40, self.conv3.alpha, steps(40, g), seed=10)

        def forward(self, x):
            h = self.bn1(self.conv1(self.sign0(x)))  # [1,30,8,8]
            h = self.bn2(self.conv2(self.sign1(h)))  # [1,33,4,4]
            return self.bn3(self.conv3(self.sign2(h)))  # [1,40,3,3]

    torch.manual_seed(5)
    m = BnnTail()
    rng = np.random.default_rng(106)
    return m, [half_offset_input(rng, 1, 70, 8, 8)], "bnn"


@builder("bnn_ste")
def build_bnn_ste():
    """Binarizers written with the straight-through-estimator trick (Clip, Sign, Sub, Add), on
    activations and on weights, then a GlobalAveragePool + Gemm head."""

    class BnnSte(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(24)
            self.stem = nn.Conv2d(1, 8, 3, padding=1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(8, 1.0 / 256, steps(8, g, 0.75), seed=11)
            self.sign1 = SteBinarize()
            self.conv1 = BinConv2d(8, 16, 3, padding=1, ste=True)
            self.bn1 = LatticeBN(16, self.conv1.alpha, steps(16, g, 0.75), seed=12)
            self.sign2 = SteBinarize()
            self.conv2 = BinConv2d(16, 16, 3, padding=1, ste=True)
            self.bn2 = LatticeBN(16, self.conv2.alpha, steps(16, g, 0.75), seed=13)
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(16, 5)

        def forward(self, x):
            h = self.bn0(self.stem(x))
            h = self.bn1(self.conv1(self.sign1(h)))
            h = self.bn2(self.conv2(self.sign2(h)))
            return self.fc(torch.flatten(self.gap(h), 1))

    torch.manual_seed(6)
    m = BnnSte()
    rng = np.random.default_rng(107)
    return m, [dyadic_input(rng, 1, 1, 10, 10)], "bnn"


@builder("kws_1d")
def build_kws_1d():
    """A keyword-spotting 1-D CNN over MFCC frames [N, 40, T]: a float Conv1d stem, binary
    Conv1d layers (dilated k=3, strided k=5 in 2 groups), an FSMN-like memory block (h + a binary depthwise
    k=5 Conv1d over the binarized h), a binary pointwise k=1 conv, MaxPool1d, AvgPool1d, a
    global average pool and a float Linear over 12 keywords."""

    class Kws(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(25)
            self.stem = nn.Conv1d(40, 32, 3, padding=1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(32, 1.0 / 256, steps(32, g), seed=14, dims=2)
            self.sign1 = Binarize()
            self.conv1 = BinConv1d(32, 32, 3, padding=2, dilation=2)
            self.bn1 = LatticeBN(32, self.conv1.alpha, steps(32, g), seed=15, dims=2)
            self.sign2 = Binarize()
            self.conv2 = BinConv1d(32, 48, 5, stride=2, padding=2, groups=2)
            t2 = steps(48, g)
            self.bn2 = LatticeBN(48, self.conv2.alpha, t2, seed=16, dims=2)
            # Memory block: h + BN(dwconv(sign(h))); the BN maps its lattice to half h's step.
            self.sign3 = Binarize()
            self.mem = BinConv1d(48, 48, 5, padding=2, groups=48)
            self.bn3 = LatticeBN(48, self.mem.alpha, t2 / 2, seed=17, dims=2)
            self.sign4 = Binarize()
            self.conv4 = BinConv1d(48, 64, 1)
            self.bn4 = LatticeBN(64, self.conv4.alpha, steps(64, g), seed=18, dims=2,
                                 quantile=0.84)
            self.pool1 = nn.MaxPool1d(2)
            self.sign5 = Binarize()
            self.conv5 = BinConv1d(64, 64, 3, padding=1)
            self.bn5 = LatticeBN(64, self.conv5.alpha, steps(64, g), seed=19, dims=2)
            self.pool2 = nn.AvgPool1d(2)
            self.fc = nn.Linear(64, 12)

        def forward(self, x):
            h = self.bn0(self.stem(x))  # [N,32,32]
            h = self.bn1(self.conv1(self.sign1(h)))  # [N,32,32]
            h = self.bn2(self.conv2(self.sign2(h)))  # [N,48,16]
            h = h + self.bn3(self.mem(self.sign3(h)))
            h = self.pool1(self.bn4(self.conv4(self.sign4(h))))  # [N,64,8]
            h = self.pool2(self.bn5(self.conv5(self.sign5(h))))  # [N,64,4]
            return self.fc(h.mean(dim=2))

    torch.manual_seed(7)
    m = Kws()
    rng = np.random.default_rng(109)
    return m, [dyadic_input(rng, 2, 40, 32)], "bnn"


@builder("mobilenet_bin")
def build_mobilenet_bin():
    """A MobileNetV1 binarized as DIR-Net/ReActNet do it: a float 3x3/2 stem, then depthwise
    separable blocks whose binary depthwise 3x3 (stride 1 and 2, one with exact-zero weights)
    and binary pointwise 1x1 convs each have a BatchNorm; a global average pool and a float
    classifier."""

    class MobileNetBin(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(27)
            self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(16, 1.0 / 256, steps(16, g), seed=30)
            chans = [(16, 32, 1), (32, 64, 2), (64, 64, 1)]
            self.blocks = nn.ModuleList()
            for i, (cin, cout, stride) in enumerate(chans):
                dw = BinConv2d(cin, cin, 3, stride=stride, padding=1, groups=cin)
                if i == 2:
                    with torch.no_grad():  # ternary weights: exact zeros in two channels
                        dw.weight[3, 0, 1, 1] = 0.0
                        dw.weight[10, 0, 0, 2] = 0.0
                bn_dw = LatticeBN(cin, dw.alpha, steps(cin, g), seed=31 + 2 * i)
                pw = BinConv2d(cin, cout, 1)
                bn_pw = LatticeBN(cout, pw.alpha, steps(cout, g), seed=32 + 2 * i)
                self.blocks.append(nn.ModuleList([Binarize(), dw, bn_dw, Binarize(), pw, bn_pw]))
            self.fc = nn.Linear(64, 10)

        def forward(self, x):
            h = self.bn0(self.stem(x))  # [N,16,8,8]
            for sign1, dw, bn_dw, sign2, pw, bn_pw in self.blocks:
                h = bn_dw(dw(sign1(h)))
                h = bn_pw(pw(sign2(h)))
            return self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))

    torch.manual_seed(9)
    m = MobileNetBin()
    rng = np.random.default_rng(111)
    return m, [dyadic_input(rng, 2, 3, 16, 16)], "bnn"


class BinConvTranspose2d(nn.ConvTranspose2d):
    """ConvTranspose2d whose weight [Cin, Cout, k, k] is Sign(W) * alpha_o, alpha_o = mean |W| over
    the weights of output channel o (dims 0, 2, 3)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("bias", False)
        super().__init__(*args, **kwargs)

    def alpha(self):
        return self.weight.detach().abs().mean(dim=(0, 2, 3))

    def forward(self, x):
        w = self.weight
        wb = torch.sign(w) * w.abs().mean(dim=(0, 2, 3), keepdim=True)
        return F.conv_transpose2d(x, wb, self.bias, self.stride, self.padding,
                                  self.output_padding, self.groups, self.dilation)


@builder("segnet_bin")
def build_segnet_bin():
    """A segmentation-like encoder-decoder: a float stem, two strided binary 3x3 convs down to
    1/4, a binary ConvTranspose (k=2, s=2) back to 1/2 with a skip connection, a float
    ConvTranspose (k=3, s=2, pad 1, output_padding 1) to full size, and a float 1x1 conv to
    per-pixel logits of 5 classes."""

    class SegNetBin(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(28)
            self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(16, 1.0 / 256, steps(16, g), seed=40)
            self.sign1 = Binarize()
            self.down1 = BinConv2d(16, 32, 3, stride=2, padding=1)
            t1 = steps(32, g)
            self.bn1 = LatticeBN(32, self.down1.alpha, t1, seed=41)
            self.sign2 = Binarize()
            self.down2 = BinConv2d(32, 32, 3, stride=2, padding=1)
            self.bn2 = LatticeBN(32, self.down2.alpha, steps(32, g), seed=42)
            self.sign3 = Binarize()
            self.up1 = BinConvTranspose2d(32, 32, 2, stride=2)
            # Added to the skip h1: half its step.
            self.bn3 = LatticeBN(32, self.up1.alpha, t1 / 2, seed=43)
            self.up2 = nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1)
            self.head = nn.Conv2d(16, 5, 1)

        def forward(self, x):
            h0 = self.bn0(self.stem(x))  # [N,16,16,16]
            h1 = self.bn1(self.down1(self.sign1(h0)))  # [N,32,8,8]
            h2 = self.bn2(self.down2(self.sign2(h1)))  # [N,32,4,4]
            u1 = self.bn3(self.up1(self.sign3(h2))) + h1  # [N,32,8,8]
            return self.head(F.relu(self.up2(u1)))  # [N,5,16,16]

    torch.manual_seed(10)
    m = SegNetBin()
    rng = np.random.default_rng(112)
    return m, [dyadic_input(rng, 2, 3, 16, 16)], "bnn"


class BiBertLayer(nn.Module):
    """One BiBERT encoder layer: every Linear binary (Sign on its input, Sign(W) * alpha_o), the
    attention scores sign(Q) @ sign(K)^T / sqrt(d_head) binary x binary, the attention binarized
    to {0, 1} (BiBERT's bool attention: score > 0) and multiplied with sign(V), then the binary
    output projection, residual and LayerNorm; the FFN a binary Linear, GELU (Erf), LayerNorm,
    a binary Linear, residual and LayerNorm."""

    def __init__(self, d, heads, ffn):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (BinLinear(d, d) for _ in range(4))
        self.ln1 = nn.LayerNorm(d)
        self.f1, self.f2 = BinLinear(d, ffn), BinLinear(ffn, d)
        self.ln_f = nn.LayerNorm(ffn)
        self.ln2 = nn.LayerNorm(d)
        self.signs = [Binarize() for _ in range(6)]

    def forward(self, x):
        B, T, D = x.shape
        s = self.signs
        xb = s[0](x)

        def heads(t):
            return t.reshape(B, T, self.heads, self.dh).transpose(1, 2)  # [B, H, T, dh]

        q, k, v = heads(self.q(xb)), heads(self.k(xb)), heads(self.v(xb))
        scores = torch.matmul(torch.sign(q), torch.sign(k).transpose(-1, -2)) / math.sqrt(self.dh)
        attn = (scores > 0).float()  # {0, 1}
        ctx = torch.matmul(attn, torch.sign(v)).transpose(1, 2).reshape(B, T, D)
        x = self.ln1(x + self.o(torch.sign(ctx)))
        h = self.ln_f(F.gelu(self.f1(s[1](x))))
        return self.ln2(x + self.f2(s[2](h)))


class BiBert(nn.Module):
    def __init__(self, vocab, d, heads, ffn, layers, seq, classes, ids):
        super().__init__()
        self.ids = ids
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.randn(1, seq, d) * 0.1)
        self.ln0 = nn.LayerNorm(d)
        self.layers = nn.ModuleList(BiBertLayer(d, heads, ffn) for _ in range(layers))
        self.cls = nn.Linear(d, classes)

    def forward(self, x):
        e = self.embed(x) if self.ids else x
        h = self.ln0(e + self.pos)
        for layer in self.layers:
            h = layer(h)
        return self.cls(h[:, 0])


def bibert(ids):
    """Draws seeds until every value a Sign sees is at least 1e-3 from 0 (the LayerNorm outputs
    are not on a lattice; the attention products are exact integers, so their zeros are exact
    and agree everywhere)."""
    for seed in range(200):
        torch.manual_seed(100 + seed)
        m = BiBert(vocab=50, d=32, heads=4, ffn=64, layers=2, seq=8, classes=3, ids=ids)
        m.eval()
        # Q, K and V go straight into Sign: weights of one magnitude 1/16, so alpha is exact and
        # every sum of +-alpha (a multiple of 1/16) too; a 0 is then exactly 0 everywhere.
        with torch.no_grad():
            for layer in m.layers:
                for lin in (layer.q, layer.k, layer.v):
                    lin.weight.copy_(torch.sign(lin.weight) / 16.0)
        rng = np.random.default_rng(200 + seed)
        if ids:
            x = rng.integers(0, 50, size=(2, 8)).astype(np.int64)
        else:
            x = (rng.standard_normal((2, 8, 32)) * 0.5).astype(np.float32)
        min_abs = presign_min_abs(m, [torch.from_numpy(x)])
        if min_abs is not None and min_abs >= 1e-3:
            return m, [x]
    raise RuntimeError("bibert: no seed keeps the pre-sign values away from 0")


@builder("bibert")
def build_bibert():
    """A two-layer BiBERT encoder (d 32, 4 heads, FFN 64, 8 tokens) on float embeddings."""
    m, x = bibert(ids=False)
    return m, x, "bnn", {"min_presign": 1e-3}


@builder("bibert_ids")
def build_bibert_ids():
    """The BiBERT encoder with its token embedding: int64 token ids through nn.Embedding
    (Gather), position embeddings, LayerNorm."""
    m, x = bibert(ids=True)
    return m, x, "bnn", {"min_presign": 1e-3}


@builder("pointnet")
def build_pointnet():
    """A PointNet classifier over [N, 3, P] points: a float shared-MLP stem (Conv1d k=1), binary
    k=1 Conv1d shared MLPs, the symmetric max over points (ReduceMax), binary Linear layers with
    BatchNorm1d and a float head over 10 classes."""

    class PointNet(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(26)
            self.stem = nn.Conv1d(3, 32, 1, bias=False)
            dyadic_(self.stem.weight, g)
            self.bn0 = LatticeBN(32, 1.0 / 256, steps(32, g), seed=20, dims=2)
            self.sign1 = Binarize()
            self.mlp1 = BinConv1d(32, 64, 1)
            self.bn1 = LatticeBN(64, self.mlp1.alpha, steps(64, g), seed=21, dims=2)
            self.sign2 = Binarize()
            self.mlp2 = BinConv1d(64, 128, 1)
            # The max over 48 points follows: centre on a high quantile so its signs balance.
            self.bn2 = LatticeBN(128, self.mlp2.alpha, steps(128, g), seed=22, dims=2,
                                 quantile=0.985)
            self.sign3 = Binarize()
            self.fc1 = BinLinear(128, 64)
            self.bn3 = LatticeBN(64, self.fc1.alpha, steps(64, g), seed=23, dims=2)
            self.sign4 = Binarize()
            self.fc2 = BinLinear(64, 32)
            self.bn4 = LatticeBN(32, self.fc2.alpha, steps(32, g), seed=24, dims=2)
            self.fc3 = nn.Linear(32, 10)

        def forward(self, x):
            h = self.bn0(self.stem(x))  # [N,32,P]
            h = self.bn1(self.mlp1(self.sign1(h)))
            h = self.bn2(self.mlp2(self.sign2(h)))  # [N,128,P]
            f = torch.max(h, dim=2)[0]  # [N,128]
            f = self.bn3(self.fc1(self.sign3(f)))
            f = self.bn4(self.fc2(self.sign4(f)))
            return self.fc3(f)

    torch.manual_seed(8)
    m = PointNet()
    rng = np.random.default_rng(110)
    return m, [dyadic_input(rng, 2, 3, 48)], "bnn"


@builder("qdq_int8")
def build_qdq_int8():
    """An int8 network as PyTorch's quantization-aware training exports it: fake-quantized
    activations (QuantizeLinear -> DequantizeLinear per tensor: int8 with a zero point, uint8
    with zero points 7 and 128) and weights (per output channel, symmetric int8) around three
    convs (3x3/2 with 3 input channels, 1x1, 5x5 over 24 channels), then a conv with float
    weights on fake-quantized activations (which must stay float), a global average pool."""

    class FQConv(nn.Module):
        def __init__(self, cin, cout, k, stride, pad, a_scale, a_zp, a_range, seed):
            super().__init__()
            g = torch.Generator().manual_seed(seed)
            self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=True)
            with torch.no_grad():
                self.conv.weight.copy_(torch.randn(self.conv.weight.shape, generator=g) * 0.2)
                self.conv.bias.copy_(torch.randn(cout, generator=g) * 0.1)
            w = self.conv.weight.detach()
            self.register_buffer("w_scale", w.abs().reshape(cout, -1).max(dim=1)[0] / 127)
            self.register_buffer("w_zp", torch.zeros(cout, dtype=torch.int32))
            self.a_scale, self.a_zp, self.a_range = a_scale, a_zp, a_range

        def forward(self, x):
            x = torch.fake_quantize_per_tensor_affine(x, self.a_scale, self.a_zp, *self.a_range)
            w = torch.fake_quantize_per_channel_affine(self.conv.weight, self.w_scale, self.w_zp,
                                                       0, -128, 127)
            return F.conv2d(x, w, self.conv.bias, self.conv.stride, self.conv.padding)

    class QdqNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = FQConv(3, 16, 3, 2, 1, 1.0 / 16, -3, (-128, 127), 40)
            self.bn = nn.BatchNorm2d(16)
            randomize_bn_(self.bn, torch.Generator().manual_seed(41))
            self.pw = FQConv(16, 24, 1, 1, 0, 1.0 / 32, 7, (0, 255), 42)
            self.big = FQConv(24, 8, 5, 1, 2, 1.0 / 64, 128, (0, 255), 43)
            self.head = nn.Conv2d(8, 8, 3, padding=1)

        def forward(self, x):
            h = torch.relu(self.bn(self.stem(x)))
            h = torch.relu(self.pw(h))
            h = self.big(h)
            h = torch.fake_quantize_per_tensor_affine(h, 1.0 / 16, 0, -128, 127)
            h = self.head(h)
            return h.mean(dim=(2, 3))

    torch.manual_seed(44)
    m = QdqNet()
    rng = np.random.default_rng(144)
    return m, [randn(rng, 2, 3, 17, 17) * 3], "float", {"fold": False}


@builder("qdq_int8_bin")
def build_qdq_int8_bin():
    """An int8 stem binarized for the first binary layer: a fake-quantized 3x3/2 conv (int8
    activations and per-channel weights, no bias) -> BatchNorm -> Sign -> binary 3x3 conv ->
    BatchNorm -> global average pool -> float head. Where the target has an int8 dot product the
    stem runs on bytes and its output is packed by the pack kernel; elsewhere the float conv
    kernel packs it in its epilogue."""

    class FQStem(nn.Module):
        def __init__(self, seed):
            super().__init__()
            g = torch.Generator().manual_seed(seed)
            self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
            with torch.no_grad():
                self.conv.weight.copy_(torch.randn(self.conv.weight.shape, generator=g) * 0.2)
            w = self.conv.weight.detach()
            self.register_buffer("w_scale", w.abs().reshape(16, -1).max(dim=1)[0] / 127)
            self.register_buffer("w_zp", torch.zeros(16, dtype=torch.int32))

        def forward(self, x):
            x = torch.fake_quantize_per_tensor_affine(x, 1.0 / 16, 0, -128, 127)
            w = torch.fake_quantize_per_channel_affine(self.conv.weight, self.w_scale, self.w_zp,
                                                       0, -128, 127)
            return F.conv2d(x, w, None, self.conv.stride, self.conv.padding)

    class QdqBin(nn.Module):
        def __init__(self):
            super().__init__()
            g = torch.Generator().manual_seed(46)
            self.stem = FQStem(45)
            # Stem outputs are multiples of (1/16) * w_scale[c]: the BatchNorm's lattice unit.
            self.bn0 = LatticeBN(16, lambda: self.stem.w_scale / 16, steps(16, g), seed=47)
            self.sign = Binarize()
            self.conv = BinConv2d(16, 16, 3, padding=1)
            self.bn1 = LatticeBN(16, self.conv.alpha, steps(16, g), seed=48)
            self.fc = nn.Linear(16, 10)

        def forward(self, x):
            h = self.bn1(self.conv(self.sign(self.bn0(self.stem(x)))))
            return self.fc(h.mean(dim=(2, 3)))

    torch.manual_seed(49)
    m = QdqBin()
    rng = np.random.default_rng(149)
    return m, [dyadic_input(rng, 2, 3, 12, 12)], "bnn", {"fold": False}


# ---------------------------------------------------------------------------------------------


def export(name, opset, outdir):
    family = name
    module, inputs, kind, *rest = BUILDERS[family]()
    options = rest[0] if rest else {}
    fold = options.get("fold", kind == "float")
    module.eval()
    tin = [torch.from_numpy(x) for x in inputs]
    min_abs = None
    if kind == "bnn":
        calibrate(module, tin)
        min_abs = presign_min_abs(module, tin)
        floor = options.get("min_presign", MIN_PRESIGN_ABS)
        if min_abs is None or min_abs < floor:
            raise RuntimeError(f"{family}: smallest |pre-sign value| {min_abs} < {floor}")
    with torch.no_grad():
        outs = module(*tin)
    if isinstance(outs, torch.Tensor):
        outs = (outs,)

    full = f"{family}_op{opset}"
    onnx_file = f"{full}.onnx"
    input_names = [f"in{i}" for i in range(len(inputs))]
    output_names = [f"out{i}" for i in range(len(outs))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            tuple(tin),
            os.path.join(outdir, onnx_file),
            opset_version=opset,
            input_names=input_names,
            output_names=output_names,
            do_constant_folding=fold,
            training=torch.onnx.TrainingMode.EVAL,
        )
    entry = {
        "name": full,
        "family": family,
        "kind": kind,
        "opset": opset,
        "constant_folding": fold,
        "file": onnx_file,
        "inputs": [],
        "outputs": [
            {"name": n, "shape": list(o.shape), "dtype": str(o.dtype).replace("torch.", "")}
            for n, o in zip(output_names, outs)
        ],
    }
    for i, x in enumerate(inputs):
        f = f"{full}.in{i}.npy"
        np.save(os.path.join(outdir, f), x)
        entry["inputs"].append(
            {"name": input_names[i], "file": f, "shape": list(x.shape), "dtype": str(x.dtype)})
    if min_abs is not None:
        entry["min_presign_abs"] = min_abs
    return entry


def check(outdir, entry):
    """onnx.checker plus the list of op types (stored in the manifest)."""
    import onnx

    model = onnx.load(os.path.join(outdir, entry["file"]))
    onnx.checker.check_model(model)
    ops = sorted({n.op_type for n in model.graph.node})
    entry["ops"] = ops
    entry["bytes"] = os.path.getsize(os.path.join(outdir, entry["file"]))


def write_manifest(outdir, entries):
    """Writes OUTDIR/manifest.json last and atomically: it is the build's stamp, so a failed run
    leaves none and simply runs again."""
    tmp = os.path.join(outdir, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump({"models": entries}, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, os.path.join(outdir, "manifest.json"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="generate only this model (family name or NAME_opXX); repeatable")
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    os.makedirs(args.outdir, exist_ok=True)

    wanted = [(f, o) for f in BUILDERS for o in OPSETS]
    if args.only:
        known = {f for f, _ in wanted} | {f"{f}_op{o}" for f, o in wanted}
        unknown = [n for n in args.only if n not in known]
        if unknown:
            ap.error(f"unknown model(s): {', '.join(unknown)}; "
                     f"known: {', '.join(sorted(BUILDERS))}")
        wanted = [(f, o) for f, o in wanted if f in args.only or f"{f}_op{o}" in args.only]

    entries = []
    for family, opset in wanted:
        entry = export(family, opset, args.outdir)
        check(args.outdir, entry)
        entries.append(entry)
        extra = ""
        if "min_presign_abs" in entry:
            extra = f", min|pre-sign|={entry['min_presign_abs']:.3g}"
        print(f"gen_models: {entry['name']}: {entry['bytes']} bytes, "
              f"ops {' '.join(entry['ops'])}{extra}")

    write_manifest(args.outdir, entries)
    print(f"gen_models: {len(entries)} models in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
