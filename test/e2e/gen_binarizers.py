"""Generates the end-to-end test models of bnnc's binarization: one tiny model per binarizer,
encoding and shape case, with one fixed input each.

    python3 gen_binarizers.py OUTDIR [--only NAME ...]

Writes, for every model NAME: OUTDIR/NAME.onnx, OUTDIR/NAME.in0.npy, and OUTDIR/manifest.json
listing them (file, inputs, outputs, `binary_layers`: how many conv/matmul layers of the model
must become packed binary ops, a grouped conv with g groups counting g; `reference`: what the
compiled program is checked against, "onnxruntime" (check_model.py) or "numpy" (check_qonnx.py,
for the QONNX custom ops onnxruntime cannot run)).

The models, by group:

  bibench_*   the inference forms of the binarizers BiBench compares, each in the same tiny conv
              net: float stem conv, BN (torch's exporter folds this one into the conv), binarizer,
              binary 3x3 conv, BN, binarizer, binary 3x3 conv, BN, global average pool, float
              Linear. bnn, xnor (runtime activation scale K = mean|a| per sample), dorefa,
              bireal (residual shortcuts; the weight STE of the Bi-Real code), xnorpp
              (alpha_c * beta_h * gamma_w output scale), reactnet (RSign, RPReLU), recu, fda,
              imb (IR-Net/DIR-Net's weight standardization and power-of-two scale, as their
              code writes it).
  enc_*       activation binarizers in other encodings: Where(x >= 0, 1, -1), Greater -> Cast ->
              Mul -> Sub, the STE x + (sign(x) - x) with and without a Clip, Greater after ReLU.
  qonnx_*     QONNX graphs (onnx.helper), each isolating one feature: FINN's TFC-w1a1 and a
              small CNV-w1a1 (BipolarQuant on weight initializers and activations), one model
              per custom-op domain (BipolarQuant activations, weights already +-1), BipolarQuant
              with an activation scale != 1, BipolarQuant'ed weights, 1-bit Quant (scale 1,
              scale != 1, on weights), bipolar MultiThreshold (after a float conv, and on the
              graph input).
  shape_*     binary convs of unusual shapes: Cin 3/17/48/100, stride 2, dilation 2, groups 2,
              1x1 and 5x5 kernels, asymmetric pads (Conv attribute, and Pad + Conv), negative BN
              gamma before the Sign, Sign of ReLU and of MaxPool(ReLU) (exact zeros: ternary).

Everything is deterministic: fixed seeds, single-threaded torch, torch.onnx.export at opset 13
with do_constant_folding=False (so the weight-side binarizer subgraphs arrive intact).

Binarized models amplify float-rounding differences, so every value that reaches a binarizer is
kept away from its threshold by construction, except where exact zeros are the point:
  * inputs are multiples of 1/16 (or (k + 1/2)/8 where they go straight into a binarizer), the
    float stem's weights multiples of 1/16, latent binary weights (k + 1/2)/16 (never 0);
  * every BatchNorm feeding a binarizer (directly, after a residual add, a ReLU or a max-pool) is
    calibrated on the model's own input: it maps the widest gap between the distinct values near
    the wanted quantile of each channel (after adding the shortcut, if any) onto 0, and its
    scale gives the channel an O(1) spread; ReActNet's RSign shifts are calibrated the same way;
  * the smallest |pre-binarizer value| (ignoring exact zeros where they are wanted) is measured
    and must be at least MIN_PRESIGN_ABS; it is recorded in the manifest, with the number of
    exact zeros that reach a Sign.
Weight binarizers whose input is computed (ReCU, IMB: W - mean) are checked the same way, and
IMB's round(log2(.)) away from .5.
"""

import argparse
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qonnx_reference as qref  # noqa: E402

OPSET = 13
QONNX_DOMAIN = "qonnx.custom_op.general"
MIN_PRESIGN_ABS = 1e-3  # the pre-binarizer values are O(1): float32 rounding is ~1e-7
MIN_WEIGHT_PRESIGN = 1e-4  # |W - mean_c W| of the computed weight binarizers

# ---------------------------------------------------------------------------------------------
# calibration of the values that reach a binarizer


def zero_crossings(v, quantile=0.5):
    """v: [C, M] float64. For each channel, the midpoint of the widest gap between consecutive
    distinct values near the given quantile (the fraction of values that fall below it)."""
    result = np.empty(v.shape[0])
    for c, row in enumerate(v):
        s = np.sort(row)
        m = s.size
        lo = s[int(np.floor(max(0.0, quantile - 0.15) * (m - 1)))]
        hi = s[int(np.ceil(min(1.0, quantile + 0.15) * (m - 1)))]
        u = np.unique(s[(s >= lo) & (s <= hi)])
        if u.size < 2:
            u = np.unique(s)
        if u.size < 2:  # a constant channel: put all of it on one side
            result[c] = u[0] - 0.5 * max(1.0, abs(u[0]))
            continue
        k = int(np.argmax(np.diff(u)))
        result[c] = 0.5 * (u[k] + u[k + 1])
    return result


def channels_rows(x):
    """[N, C, ...] -> [C, N * ...] (float64 numpy)."""
    a = x.detach().double().numpy() if isinstance(x, torch.Tensor) else np.asarray(x, np.float64)
    return np.moveaxis(a, 1, 0).reshape(a.shape[1], -1)


def safe_bn_params(x, seed, quantile=0.5, negative=0.0, add=None, eps=1e-5):
    """BatchNorm parameters (gamma, beta, mean, var) for input x ([N, C, ...]) such that
    BN(x) (+ add) is s_c * x (+ add) - m_c, with |s_c| * spread_c in [0.25, 1) and the zero
    crossing m_c in the widest gap near the quantile. A fraction `negative` of the channels gets
    a negative gamma."""
    rng = np.random.default_rng(seed)
    xr = channels_rows(x)
    c = xr.shape[0]
    t = 0.25 + 0.75 * rng.random(c)
    sgn = np.where(rng.random(c) < negative, -1.0, 1.0)
    if negative > 0 and not np.any(sgn < 0):
        sgn[0] = -1.0
    var = 0.5 + 1.5 * rng.random(c)
    j = rng.integers(-2, 3, c)
    std = xr.std(axis=1)
    std = np.where(std > 1e-9, std, 1.0)
    s = sgn * t / std
    v = s[:, None] * xr + (channels_rows(add) if add is not None else 0.0)
    m = zero_crossings(v, quantile)
    beta = t * j
    gamma = s * np.sqrt(var + eps)
    mean = (m + beta) / s
    return [a.astype(np.float32) for a in (gamma, beta, mean, var)]


class Calib:
    """Global switches: calibrating (BN statistics and shifts are set from the data), probing
    (the inputs of binarizers are recorded)."""

    calibrating = False
    records = None  # a list of (name, min nonzero |x|, #zeros, zeros allowed) while probing


def probe(name, x, allow_zero=False):
    if Calib.records is not None:
        a = x.detach().abs()
        nz = a[a != 0]
        Calib.records.append((name, float(nz.min()) if nz.numel() else float("inf"),
                              int((a == 0).sum()), allow_zero))


class SafeBN(nn.Module):
    """BatchNorm (exported as BatchNormalization, then Add if a shortcut is given) calibrated by
    safe_bn_params on the model's test input."""

    def __init__(self, channels, seed, quantile=0.5, negative=0.0, dims=4):
        super().__init__()
        self.bn = nn.BatchNorm2d(channels) if dims == 4 else nn.BatchNorm1d(channels)
        self.seed, self.quantile, self.negative = seed, quantile, negative

    def forward(self, x, add=None):
        if Calib.calibrating:
            params = safe_bn_params(x, self.seed, self.quantile, self.negative, add, self.bn.eps)
            with torch.no_grad():
                for p, v in zip((self.bn.weight, self.bn.bias, self.bn.running_mean,
                                 self.bn.running_var), params):
                    p.copy_(torch.from_numpy(v))
        y = self.bn(x)
        return y if add is None else y + add


# ---------------------------------------------------------------------------------------------
# activation binarizers


class Sign(nn.Module):
    """torch.sign (ONNX Sign)."""

    def __init__(self, allow_zero=False):
        super().__init__()
        self.allow_zero = allow_zero

    def forward(self, x):
        probe("Sign", x, self.allow_zero)
        return torch.sign(x)


class RSign(nn.Module):
    """ReActNet's RSign: Sign(x + b_c), b a learned per-channel shift (calibrated here)."""

    def __init__(self, channels):
        super().__init__()
        self.b = nn.Parameter(torch.zeros(1, channels, 1, 1))

    def forward(self, x):
        if Calib.calibrating:
            with torch.no_grad():
                self.b.copy_(-torch.from_numpy(zero_crossings(channels_rows(x))).float()
                             .view(1, -1, 1, 1))
        y = x + self.b
        probe("RSign", y)
        return torch.sign(y)


class WhereSign(nn.Module):
    """Where(GreaterOrEqual(x, 0), 1, -1): sign(0) = +1."""

    def forward(self, x):
        probe("Where", x)
        return torch.where(x >= 0, torch.tensor(1.0), torch.tensor(-1.0))


class GreaterCastSign(nn.Module):
    """Greater(x, 0) -> Cast(float) -> Mul(2) -> Sub(1): sign(0) = -1."""

    def __init__(self, allow_zero=False):
        super().__init__()
        self.allow_zero = allow_zero

    def forward(self, x):
        probe("Greater", x, self.allow_zero)
        return (x > 0).float() * 2 - 1


class SteSign(nn.Module):
    """The straight-through estimator x + (sign(x) - x) (Sign, Sub, Add); with clip=True the
    input is clipped to [-1, 1] first (Clip, Sign, Sub, Add)."""

    def __init__(self, clip=False):
        super().__init__()
        self.clip = clip

    def forward(self, x):
        probe("SteSign", x)
        if self.clip:
            x = torch.clamp(x, -1.0, 1.0)
        return x + (torch.sign(x) - x)


# ---------------------------------------------------------------------------------------------
# weight binarizers: functions of the latent weight (exported, constant folding off)


def w_sign(w):
    """BNN (Courbariaux et al.): Sign(W), no scale."""
    return torch.sign(w)


def w_xnor(w):
    """XNOR-Net: Sign(W) * mean|W| per output channel (Abs, ReduceMean, Sign, Mul)."""
    return torch.sign(w) * w.abs().mean(dim=(1, 2, 3), keepdim=True)


def w_dorefa(w):
    """DoReFa-Net, 1 bit: Sign(W) * E(|W|), one scalar for the layer."""
    return torch.sign(w) * w.abs().mean()


def w_bireal(w):
    """Bi-Real Net / ReActNet HardBinaryConv, as their code writes it: nested means for the
    per-channel scale and the weight STE `bw.detach() - clip(W).detach() + clip(W)` (exports
    as Clip, Sub, Add around the Sign * scale)."""
    scale = torch.mean(torch.mean(torch.mean(abs(w), dim=3, keepdim=True), dim=2, keepdim=True),
                       dim=1, keepdim=True)
    bw = scale.detach() * torch.sign(w)
    cw = torch.clamp(w, -1.0, 1.0)
    return bw.detach() - cw.detach() + cw


def w_recu(w):
    """ReCU: the weights centred per output channel (and standardized; the tau clamp keeps
    signs), binarized by Sign, scaled by the mean magnitude of the clamped weights."""
    w0 = w - w.mean(dim=(1, 2, 3), keepdim=True)
    w1 = w0 / (torch.sqrt((w0 * w0).mean(dim=(1, 2, 3), keepdim=True) + 1e-5) / 2 / math.sqrt(2))
    q_tau = 1.5
    w2 = torch.clamp(w1, -q_tau, q_tau)
    return torch.sign(w2) * w2.abs().mean(dim=(1, 2, 3), keepdim=True)


def w_imb(w):
    """IR-Net / DIR-Net (IMB): standardized weights (view, mean, std as their code), Sign, times
    2^round(log2(mean|w_hat|)) per output channel (Abs, ReduceMean, Log, Div, Round, Pow)."""
    bw = w
    bw = bw - bw.view(bw.size(0), -1).mean(-1).view(bw.size(0), 1, 1, 1)
    bw = bw / bw.view(bw.size(0), -1).std(-1).view(bw.size(0), 1, 1, 1)
    sw = torch.pow(torch.tensor([2] * bw.size(0)).float(),
                   (torch.log(bw.abs().view(bw.size(0), -1).mean(-1)) / math.log(2)).round()
                   .float()).view(bw.size(0), 1, 1, 1).detach()
    return torch.sign(bw) * sw


def half_dyadic_(param, gen, n=8, denom=16.0):
    """Latent weights (k + 1/2) / denom, k in [-n, n): never 0."""
    with torch.no_grad():
        param.copy_((torch.randint(-n, n, param.shape, generator=gen).float() + 0.5) / denom)


def dyadic_(param, gen, lo=-8, hi=8, denom=16.0):
    with torch.no_grad():
        param.copy_(torch.randint(lo, hi + 1, param.shape, generator=gen).float() / denom)


def check_centred_weights(name, w, imb=False):
    """ReCU/IMB binarize W - mean_c(W): no latent weight may sit (almost) on its channel mean;
    IMB's log2(mean|w_hat|) must not be (almost) a half-integer."""
    w = w.detach().double()
    c = w - w.mean(dim=(1, 2, 3), keepdim=True)
    worst = float(c.abs().min())
    if worst < MIN_WEIGHT_PRESIGN:
        raise RuntimeError(f"{name}: a latent weight is {worst:.3g} from its channel mean")
    if imb:
        what = c / w.view(w.size(0), -1).std(-1).view(-1, 1, 1, 1)
        l2 = torch.log2(what.abs().mean(dim=(1, 2, 3)))
        frac = float((l2 - torch.floor(l2) - 0.5).abs().min())
        if frac < 1e-3:
            raise RuntimeError(f"{name}: log2(mean|w_hat|) is {frac:.3g} from a half-integer")


class BinConv(nn.Module):
    """A conv whose weight is wfn(latent weight); zero padding as ONNX (Sign -> Conv(pads))."""

    def __init__(self, cin, cout, k, gen, wfn, stride=1, padding=1, dilation=1, groups=1,
                 flat=False):
        super().__init__()
        kh, kw = (k, k) if isinstance(k, int) else k
        self.shape = (cout, cin // groups, kh, kw)
        self.flat = flat  # Bi-Real keeps the weights as a flat [n, 1] parameter and views them
        n = int(np.prod(self.shape))
        self.weight = nn.Parameter(torch.empty((n, 1) if flat else self.shape))
        half_dyadic_(self.weight, gen)
        self.wfn = wfn
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups

    def latent(self):
        return self.weight.view(self.shape) if self.flat else self.weight

    def forward(self, x):
        return F.conv2d(x, self.wfn(self.latent()), None, self.stride, self.padding,
                        self.dilation, self.groups)


class RPReLU(nn.Module):
    """ReActNet's RPReLU: PReLU(x - gamma_c) + zeta_c."""

    def __init__(self, channels, gen):
        super().__init__()
        self.gamma = nn.Parameter((torch.rand(1, channels, 1, 1, generator=gen) - 0.5) * 0.5)
        self.zeta = nn.Parameter((torch.rand(1, channels, 1, 1, generator=gen) - 0.5) * 0.5)
        self.prelu = nn.PReLU(channels)
        with torch.no_grad():
            self.prelu.weight.copy_(0.1 + 0.3 * torch.rand(channels, generator=gen))

    def forward(self, x):
        return self.prelu(x - self.gamma) + self.zeta


def dyadic_input(rng, *shape, lo=-16, hi=16, denom=16.0):
    return (rng.integers(lo, hi + 1, size=shape) / denom).astype(np.float32)


def half_offset_input(rng, *shape, n=8):
    """(k + 1/2) / n, never 0: for inputs that go straight into a binarizer."""
    return ((rng.integers(-n, n, size=shape) + 0.5) / n).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# model registry: a builder returns a dict with
#   torch models: module, inputs, binary_layers, description
#   ONNX graphs:  model (ModelProto), inputs, binary_layers, reference, description

BUILDERS = {}


def builder(name, group):
    def register(fn):
        BUILDERS[name] = (group, fn)
        return fn

    return register


class TinyNet(nn.Module):
    """float stem conv -> BN -> [binarizer -> binary 3x3 conv -> (scales) -> BN (+ shortcut)
    (-> RPReLU)] x 2 -> global average pool -> flatten -> float Linear."""

    def __init__(self, seed, act, wfn, channels=16, size=8, residual=False, xnor_k=False,
                 xnorpp=False, rprelu=False, flat=False):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        c = channels
        self.stem = nn.Conv2d(3, c, 3, padding=1, bias=False)
        dyadic_(self.stem.weight, g)
        self.bn0 = SafeBN(c, seed * 10)
        self.acts = nn.ModuleList([act(c), act(c)])
        self.convs = nn.ModuleList([BinConv(c, c, 3, g, wfn, flat=flat) for _ in range(2)])
        self.bns = nn.ModuleList([SafeBN(c, seed * 10 + 1 + i) for i in range(2)])
        self.residual, self.xnor_k, self.xnorpp = residual, xnor_k, xnorpp
        if xnorpp:  # XNOR++: Gamma = alpha_c * beta_h * gamma_w, learned
            self.alpha = nn.ParameterList(
                [nn.Parameter(0.5 + torch.rand(1, c, 1, 1, generator=g)) for _ in range(2)])
            self.beta = nn.ParameterList(
                [nn.Parameter(0.5 + torch.rand(1, 1, size, 1, generator=g)) for _ in range(2)])
            self.gamma = nn.ParameterList(
                [nn.Parameter(0.5 + torch.rand(1, 1, 1, size, generator=g)) for _ in range(2)])
        self.rprelus = nn.ModuleList([RPReLU(c, g) for _ in range(2)]) if rprelu else None
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, 10)

    def forward(self, x):
        h = self.bn0(self.stem(x))
        for i in range(2):
            a = h
            y = self.convs[i](self.acts[i](a))
            if self.xnor_k:  # XNOR-Net's activation scale: K = mean|a| over C, H, W per sample
                y = y * a.abs().mean(dim=(1, 2, 3), keepdim=True)
            if self.xnorpp:
                y = y * (self.alpha[i] * self.beta[i] * self.gamma[i])
            h = self.bns[i](y, add=a if self.residual else None)
            if self.rprelus is not None:
                h = self.rprelus[i](h)
        return self.fc(torch.flatten(self.gap(h), 1))


def tiny(seed, act, wfn, **kw):
    torch.manual_seed(seed)
    m = TinyNet(seed, act, wfn, **kw)
    rng = np.random.default_rng(seed)
    return m, [dyadic_input(rng, 2, 3, 8, 8)]


def bibench(name, seed, act, wfn, description, **kw):
    def build():
        m, inputs = tiny(seed, act, wfn, **kw)
        return {"module": m, "inputs": inputs, "binary_layers": 2, "description": description}

    builder(name, "bibench")(build)


bibench("bibench_bnn", 101, lambda c: Sign(), w_sign,
        "BNN: Sign activations, Sign(W) weights, no scale")
bibench("bibench_xnor", 102, lambda c: Sign(), w_xnor,
        "XNOR-Net: Sign(W) * mean|W_c|; output times K = mean|a| over C,H,W per sample",
        xnor_k=True)
bibench("bibench_dorefa", 103, lambda c: Sign(), w_dorefa,
        "DoReFa 1-bit: Sign(W) * E|W| (one scalar per layer)")
bibench("bibench_bireal", 104, lambda c: Sign(), w_bireal,
        "Bi-Real: Sign activations, Sign(W) * mean|W_c| with the weight STE, residual shortcuts",
        residual=True, flat=True)
bibench("bibench_xnorpp", 105, lambda c: Sign(), w_sign,
        "XNOR++: Sign(W), output times alpha_c * beta_h * gamma_w", xnorpp=True)
bibench("bibench_reactnet", 106, RSign, w_bireal,
        "ReActNet: RSign Sign(x + b_c), RPReLU, Bi-Real weights, residual shortcuts",
        residual=True, rprelu=True, flat=True)


class ReActDoubling(nn.Module):
    """ReActNet's channel-doubling block as the authors' code writes it, between a float stem and
    a float head: RSign -> binary 3x3 -> BN + x -> RPReLU (x1); RSign -> two binary 1x1 convs
    c -> c, each BN + x1, concatenated -> RPReLU over 2c channels (x2); RSign -> binary 3x3
    2c -> 2c -> BN + x2 -> RPReLU -> global average pool -> Linear. The RPReLU after the
    concatenation and the per-channel RSign thresholds are what bnnc fuses into the pointwise
    convs' kernels."""

    def __init__(self, seed, c=32, k=3, down=False):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.stem = nn.Conv2d(3, c, 3, padding=1, bias=False)
        dyadic_(self.stem.weight, g)
        self.bn0 = SafeBN(c, seed * 10)
        self.act1, self.act2, self.act3 = RSign(c), RSign(c), RSign(2 * c)
        self.conv1 = BinConv(c, c, k, g, w_bireal, padding=k // 2, flat=True)
        self.pw_a = BinConv(c, c, 1, g, w_bireal, padding=0, flat=True)
        self.pw_b = BinConv(c, c, 1, g, w_bireal, padding=0, flat=True)
        self.conv3 = BinConv(2 * c, 2 * c, k, g, w_bireal, stride=2 if down else 1,
                             padding=k // 2, flat=True)
        # ReActNet's downsampling shortcut: a 2x2 average pool of the block's input.
        self.shortcut = nn.AvgPool2d(2) if down else nn.Identity()
        self.bn1, self.bn_a, self.bn_b = (SafeBN(c, seed * 10 + k) for k in (1, 2, 3))
        self.bn3 = SafeBN(2 * c, seed * 10 + 4)
        self.rp1, self.rp2, self.rp3 = RPReLU(c, g), RPReLU(2 * c, g), RPReLU(2 * c, g)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(2 * c, 10)

    def forward(self, x):
        h = self.bn0(self.stem(x))
        x1 = self.rp1(self.bn1(self.conv1(self.act1(h)), add=h))
        s = self.act2(x1)
        x2 = self.rp2(torch.cat([self.bn_a(self.pw_a(s), add=x1),
                                 self.bn_b(self.pw_b(s), add=x1)], 1))
        x3 = self.rp3(self.bn3(self.conv3(self.act3(x2)), add=self.shortcut(x2)))
        return self.fc(torch.flatten(self.gap(x3), 1))


@builder("bibench_reactnet_doubling", "bibench")
def build_reactnet_doubling():
    seed = 110
    torch.manual_seed(seed)
    m = ReActDoubling(seed)
    return {"module": m, "inputs": [dyadic_input(np.random.default_rng(seed), 2, 3, 8, 8)],
            "binary_layers": 4,
            "description": "ReActNet channel doubling: RSign, two binary 1x1 convs concatenated, "
                           "RPReLU over the concatenation"}


@builder("bibench_reactnet_doubling64", "bibench")
def build_reactnet_doubling64():
    seed = 111
    torch.manual_seed(seed)
    m = ReActDoubling(seed, c=64, k=1)
    return {"module": m, "inputs": [dyadic_input(np.random.default_rng(seed), 2, 3, 6, 6)],
            "binary_layers": 4,
            "description": "ReActNet channel doubling at 64 + 64 channels (each half a whole "
                           "word), binary 1x1 convs throughout"}


@builder("bibench_reactnet_down", "bibench")
def build_reactnet_down():
    seed = 112
    torch.manual_seed(seed)
    m = ReActDoubling(seed, down=True)
    return {"module": m, "inputs": [dyadic_input(np.random.default_rng(seed), 2, 3, 8, 8)],
            "binary_layers": 4,
            "description": "ReActNet channel doubling, then a binary 3x3 conv of stride 2 whose "
                           "shortcut is a 2x2 average pool"}

bibench("bibench_recu", 107, lambda c: Sign(), w_recu,
        "ReCU: Sign(W - mean_c W) (standardized, tau clamp) times the mean magnitude")
bibench("bibench_fda", 108, lambda c: Sign(), w_xnor,
        "FDA inference form: Sign activations, Sign(W) * mean|W_c|")
bibench("bibench_imb", 109, lambda c: Sign(), w_imb,
        "DIR-Net IMB: Sign((W - mean) / std) * 2^round(log2(mean|w_hat|)) per channel")


def encoding(name, seed, act, description):
    def build():
        m, inputs = tiny(seed, act, w_xnor)
        return {"module": m, "inputs": inputs, "binary_layers": 2, "description": description}

    builder(name, "encodings")(build)


encoding("enc_where_ge", 201, lambda c: WhereSign(),
         "activations binarized by Where(GreaterOrEqual(x, 0), 1, -1)")
encoding("enc_greater_cast", 202, lambda c: GreaterCastSign(),
         "activations binarized by Greater(x, 0) -> Cast -> Mul(2) -> Sub(1)")
encoding("enc_ste", 203, lambda c: SteSign(),
         "activations binarized by the STE x + (sign(x) - x): Sign, Sub, Add")
encoding("enc_ste_clip", 204, lambda c: SteSign(clip=True),
         "activations binarized by the STE with a clip: Clip, Sign, Sub, Add")


class ReluFirst(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return self.inner(F.relu(x))


encoding("enc_greater_relu", 205, lambda c: ReluFirst(GreaterCastSign(allow_zero=True)),
         "Greater -> Cast -> Mul -> Sub after a ReLU (exact zeros go to -1)")

# ---------------------------------------------------------------------------------------------
# shape stress: Sign activations, Sign(W) * mean|W_c| weights, BN between


class ShapeNet(nn.Module):
    """input -> [pre -> Sign -> binary conv -> BN] per layer spec. pre: '' (none), 'relu',
    'relu_pool' (ReLU then 2x2 MaxPool). The BN before a Sign fed by ReLU centres on the median,
    before ReLU -> MaxPool on the 0.84 quantile so that the pooled signs balance."""

    def __init__(self, seed, specs, pre="", negative=0.0, fpad=None):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.pre = pre
        self.fpad = fpad  # F.pad(.., fpad) before the first conv (with padding 0)
        self.convs = nn.ModuleList()
        self.bns = nn.ModuleList()
        self.signs = nn.ModuleList()
        q = 0.84 if pre == "relu_pool" else 0.5
        for i, s in enumerate(specs):
            s = dict(s)
            cin, cout, k = s.pop("cin"), s.pop("cout"), s.pop("k")
            self.convs.append(BinConv(cin, cout, k, g, w_xnor, **s))
            self.bns.append(SafeBN(cout, seed * 10 + i, quantile=q, negative=negative))
            self.signs.append(Sign(allow_zero=pre != ""))

    def forward(self, x):
        h = x
        for i, conv in enumerate(self.convs):
            if self.pre in ("relu", "relu_pool"):
                h = F.relu(h)
            if self.pre == "relu_pool":
                h = F.max_pool2d(h, 2)
            b = self.signs[i](h)
            if self.fpad is not None and i == 0:
                b = F.pad(b, self.fpad)
            h = self.bns[i](conv(b))
        return h


def conv_count(specs):
    return sum(s.get("groups", 1) for s in specs)


def shape(name, seed, input_shape, specs, description, pre="", negative=0.0, fpad=None,
          zero_input=False):
    def build():
        torch.manual_seed(seed)
        m = ShapeNet(seed, specs, pre, negative, fpad)
        rng = np.random.default_rng(seed)
        x = dyadic_input(rng, *input_shape) if zero_input else half_offset_input(rng, *input_shape)
        return {"module": m, "inputs": [x], "binary_layers": conv_count(specs),
                "description": description, "zeros_wanted": pre != ""}

    builder(name, "shapes")(build)


for cin, seed in ((3, 301), (17, 302), (48, 303), (100, 304)):
    shape(f"shape_cin{cin}", seed, (1, cin, 6, 6),
          [dict(cin=cin, cout=8, k=3), dict(cin=8, cout=8, k=3)],
          f"a binary 3x3 conv with {cin} input channels (K = {cin * 9}), then 8 -> 8")
shape("shape_stride2", 305, (1, 8, 9, 9),
      [dict(cin=8, cout=8, k=3, stride=2), dict(cin=8, cout=8, k=3, stride=2)],
      "binary 3x3 convs with stride 2, pad 1 on odd sizes (9 -> 5 -> 3)")
shape("shape_dilation2", 306, (1, 8, 8, 8),
      [dict(cin=8, cout=8, k=3, padding=2, dilation=2), dict(cin=8, cout=8, k=3, padding=2,
                                                              dilation=2)],
      "binary 3x3 convs with dilation 2, pad 2")
shape("shape_groups2", 307, (1, 16, 6, 6),
      [dict(cin=16, cout=16, k=3, groups=2), dict(cin=16, cout=8, k=3, groups=2)],
      "binary 3x3 convs with groups 2 (two binary convs each)")
shape("shape_k1", 308, (1, 8, 5, 5),
      [dict(cin=8, cout=16, k=1, padding=0), dict(cin=16, cout=8, k=1, padding=0)],
      "binary 1x1 convs")
shape("shape_k5", 309, (1, 8, 7, 7),
      [dict(cin=8, cout=8, k=5, padding=2), dict(cin=8, cout=8, k=5, padding=2)],
      "binary 5x5 convs, pad 2")
shape("shape_fpad", 310, (1, 8, 6, 6),
      [dict(cin=8, cout=8, k=3, padding=0), dict(cin=8, cout=8, k=3, padding=1)],
      "asymmetric zero padding as F.pad(sign(x), (1, 2, 0, 1)) + Conv(pads 0): Pad, Conv",
      fpad=(1, 2, 0, 1))
shape("shape_neggamma", 311, (1, 8, 6, 6),
      [dict(cin=8, cout=8, k=3), dict(cin=8, cout=8, k=3), dict(cin=8, cout=8, k=3)],
      "BatchNorm with negative gamma on half the channels before the Sign", negative=0.5)
shape("shape_relu_sign", 312, (1, 8, 6, 6),
      [dict(cin=8, cout=8, k=3), dict(cin=8, cout=8, k=3)],
      "Sign(ReLU(x)): exact zeros reach the Sign (ternary 0, and zero padding)", pre="relu",
      zero_input=True)
shape("shape_maxpool_relu_sign", 313, (1, 8, 12, 12),
      [dict(cin=8, cout=8, k=3), dict(cin=8, cout=8, k=3)],
      "Sign(MaxPool(ReLU(x))): exact zeros after pooling", pre="relu_pool", zero_input=True)

# ---------------------------------------------------------------------------------------------
# ONNX graphs written with onnx.helper (QONNX custom ops, explicit Conv attributes)


class Graph:
    """Builds an ONNX graph node by node; value() evaluates any value with the numpy reference
    on the model's input, for calibration."""

    def __init__(self, name, domains=()):
        self.name = name
        self.domains = list(domains)
        self.nodes, self.inits, self.feeds = [], [], []
        self.counter = 0

    def fresh(self, base):
        self.counter += 1
        return f"{base}_{self.counter}"

    def input(self, name, x):
        self.feeds.append((name, np.asarray(x)))
        return name

    def init(self, base, array):
        from onnx import numpy_helper

        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(self, op, inputs, domain="", name=None, **attrs):
        from onnx import helper

        name = name or self.fresh(op)
        out = name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, domain=domain, **attrs))
        return out

    def model(self, outputs=()):
        """The ModelProto with these graph outputs (their shapes from the numpy reference)."""
        from onnx import TensorProto, helper

        shapes = {}
        if outputs:
            shapes = {k: np.shape(v) for k, v in
                      qref.run_model(self.model(), self.arrays(), everything=True).items()}
        ins = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(x.shape))
               for n, x in self.feeds]
        outs = [helper.make_tensor_value_info(o, TensorProto.FLOAT, list(shapes[o]))
                for o in outputs]
        graph = helper.make_graph(self.nodes, self.name, ins, outs, self.inits)
        opsets = [helper.make_opsetid("", OPSET)] + [helper.make_opsetid(d, 1)
                                                      for d in self.domains]
        model = helper.make_model(graph, opset_imports=opsets, producer_name="gen_binarizers")
        model.ir_version = 7
        return model

    def arrays(self):
        return [x for _, x in self.feeds]

    def value(self, name):
        """The value `name` on the model's input (numpy reference)."""
        return qref.run_model(self.model(), self.arrays(), want=[name])[0]

    # layers ------------------------------------------------------------------------------

    def batchnorm(self, x, seed, quantile=0.5, negative=0.0):
        gamma, beta, mean, var = safe_bn_params(self.value(x), seed, quantile, negative)
        return self.node("BatchNormalization", [x, self.init("bn_gamma", gamma),
                                                self.init("bn_beta", beta),
                                                self.init("bn_mean", mean),
                                                self.init("bn_var", var)], epsilon=1e-5)

    def bipolar(self, x, scale=1.0, domain=QONNX_DOMAIN):
        return self.node("BipolarQuant", [x, self.init("bq_scale", np.asarray(scale, np.float32))],
                         domain=domain)

    def presign_abs(self, x):
        a = np.abs(self.value(x))
        return float(a.min())


def latent(rng, *shape):
    """Latent weights (k + 1/2) / 16: their signs are the binary weights."""
    return ((rng.integers(-8, 8, size=shape) + 0.5) / 16).astype(np.float32)


def finish(g, out, inputs, binary_layers, description, reference="numpy", presign=()):
    return {"model": g.model([out]), "inputs": inputs, "binary_layers": binary_layers,
            "description": description, "reference": reference,
            "min_presign_abs": min(g.presign_abs(p) for p in presign) if presign else None}


def qonnx_mlp(name, seed, domain, dims, act="bipolar", act_scale=1.0, weights="init",
              weight_scale=None, description=""):
    """input -> act -> [MatMul(W) -> BN -> act] ... -> MatMul -> out, batch 8 (the BatchNorm
    calibration sees 8 values per channel).
    act: "bipolar" (BipolarQuant in `domain`, scale act_scale) or "quant1" (1-bit Quant, signed,
    narrow 0, zero point 0, scale act_scale).
    weights: "init" (+-1 initializers, times weight_scale * (0.5 .. 1.5) per output column if
    weight_scale is given: already folded, as FINN-streamlined graphs), "bipolar" or "quant1"
    (a BipolarQuant / 1-bit Quant of a latent initializer, scale 1 or the per-column scales)."""
    rng = np.random.default_rng(seed)
    g = Graph(name, [domain])
    x_np = half_offset_input(rng, 8, dims[0])
    x = g.input("in0", x_np)

    def binarize(v, scale, kind, what):
        s = g.init(what + "_scale", np.asarray(scale, np.float32))
        if kind == "quant1":
            return g.node("Quant", [v, s, g.init("zeropt", np.float32(0)),
                                    g.init("bitwidth", np.float32(1))], domain=domain,
                          signed=1, narrow=0, rounding_mode="ROUND")
        return g.node("BipolarQuant", [v, s], domain=domain)

    presign = [x]
    h = binarize(x, act_scale, act, "act")
    for i, (k, n) in enumerate(zip(dims[:-1], dims[1:])):
        ws = np.ones((1, n), np.float32) if weight_scale is None else \
            ((0.5 + rng.random((1, n))) * weight_scale).astype(np.float32)
        w_latent = latent(rng, k, n)
        if weights == "init":
            w = g.init(f"W{i}", np.where(w_latent >= 0, ws, -ws).astype(np.float32))
        else:
            w = binarize(g.init(f"W{i}", w_latent), ws if weight_scale is not None else 1.0,
                         weights, "w")
        h = g.node("MatMul", [h, w])
        if i + 1 < len(dims) - 1:
            h = g.batchnorm(h, seed * 10 + i)
            presign.append(h)
            h = binarize(h, act_scale, act, "act")
    return finish(g, h, [x_np], len(dims) - 1, description, presign=presign)


@builder("qonnx_tfc_w1a1", "qonnx")
def build_tfc():
    """FINN's TFC-w1a1 (784-64-64-64-10) as Brevitas exports it to QONNX."""
    rng = np.random.default_rng(401)
    g = Graph("tfc_w1a1", [QONNX_DOMAIN])
    x_np = ((rng.integers(0, 16, size=(4, 1, 28, 28)) + 0.5) / 16).astype(np.float32)
    x = g.input("in0", x_np)
    h = g.node("Reshape", [x, g.init("shape", np.array([-1, 784], np.int64))])
    # preprocessing 2x - 1, then the bipolar input quantizer
    h = g.node("Mul", [h, g.init("two", np.array(2.0, np.float32))])
    h = g.node("Sub", [h, g.init("one", np.array(1.0, np.float32))])
    presign = [h]
    h = g.bipolar(h)
    dims = [784, 64, 64, 64, 10]
    for i, (k, n) in enumerate(zip(dims[:-1], dims[1:])):
        w = g.bipolar(g.init(f"fc{i}_W", latent(rng, k, n)))
        h = g.node("MatMul", [h, w])
        if i < 3:
            h = g.batchnorm(h, 4010 + i)
            presign.append(h)
            h = g.bipolar(h)
    # TensorNorm: a learned affine on the logits
    h = g.node("Mul", [h, g.init("tn_scale", (0.5 + rng.random(10)).astype(np.float32))])
    h = g.node("Add", [h, g.init("tn_bias", (rng.random(10) - 0.5).astype(np.float32))])
    return finish(g, h, [x_np], 4, "FINN TFC-w1a1: BipolarQuant weights and activations, "
                  "MatMul, BatchNormalization, TensorNorm", presign=presign)


@builder("qonnx_cnv_w1a1", "qonnx")
def build_cnv():
    """A small CNV-w1a1 (FINN): 8-bit input quantizer, convs with BipolarQuant weights, BN,
    BipolarQuant activations, MaxPool after the activation, then fully connected layers."""
    rng = np.random.default_rng(402)
    g = Graph("cnv_w1a1", [QONNX_DOMAIN])
    x_np = ((rng.integers(0, 16, size=(1, 3, 16, 16)) + 0.5) / 16).astype(np.float32)
    x = g.input("in0", x_np)
    h = g.node("Mul", [x, g.init("two", np.array(2.0, np.float32))])
    h = g.node("Sub", [h, g.init("one", np.array(1.0, np.float32))])
    h = g.node("Quant", [h, g.init("in_scale", np.float32(2.0 ** -7)),
                         g.init("in_zeropt", np.float32(0)), g.init("in_bits", np.float32(8))],
               domain=QONNX_DOMAIN, signed=1, narrow=0, rounding_mode="ROUND")
    presign = []
    chans = [(3, 16, False), (16, 16, True), (16, 32, False), (32, 32, True)]
    for i, (cin, cout, pool) in enumerate(chans):
        w = g.bipolar(g.init(f"conv{i}_W", latent(rng, cout, cin, 3, 3)))
        h = g.node("Conv", [h, w], kernel_shape=[3, 3], pads=[0, 0, 0, 0], strides=[1, 1])
        h = g.batchnorm(h, 4020 + i)
        presign.append(h)
        h = g.bipolar(h)
        if pool:
            h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    h = g.node("Reshape", [h, g.init("shape", np.array([1, -1], np.int64))])  # [1, 32]
    for i, (k, n) in enumerate(((32, 64), (64, 10))):
        w = g.bipolar(g.init(f"fc{i}_W", latent(rng, k, n)))
        h = g.node("MatMul", [h, w])
        if i == 0:
            h = g.batchnorm(h, 4030)
            presign.append(h)
            h = g.bipolar(h)
    h = g.node("Mul", [h, g.init("tn_scale", (0.5 + rng.random(10)).astype(np.float32))])
    h = g.node("Add", [h, g.init("tn_bias", (rng.random(10) - 0.5).astype(np.float32))])
    return finish(g, h, [x_np], 5, "small FINN CNV-w1a1 (3x16x16, 16-16-pool-32-32-pool, "
                  "FC 32-64-10): 8-bit Quant input, the first conv stays float", presign=presign)


def qonnx(name, description, **kw):
    def build():
        args = dict(kw)
        return qonnx_mlp(name, args.pop("seed"), args.pop("domain", QONNX_DOMAIN),
                         [40, 24, 16, 6], description=description, **args)

    builder(name, "qonnx")(build)


for dom, seed, ws in (("qonnx.custom_op.general", 411, None), ("onnx.brevitas", 412, 1.0),
                      ("finn.custom_op.general", 413, None), ("finn", 414, 0.25)):
    qonnx("qonnx_domain_" + dom.replace(".", "_"),
          f"BipolarQuant activations in domain {dom}; "
          + ("+-1" if ws is None else "+-alpha_n") + " weight initializers",
          seed=seed, domain=dom, weight_scale=ws)

qonnx("qonnx_bipolar_act_scale", "BipolarQuant activations with scale 0.5 (y = +-0.5); +-alpha_n "
      "weight initializers", seed=415, act_scale=0.5, weight_scale=1.0)
qonnx("qonnx_bipolar_weights", "BipolarQuant of latent weight initializers (scale 1, and "
      "per-column scales), BipolarQuant activations", seed=416, weights="bipolar",
      weight_scale=1.0)
qonnx("qonnx_quant1_unit", "1-bit Quant activations (signed, narrow 0, scale 1, zero point 0); "
      "+-1 weight initializers", seed=421, act="quant1")
qonnx("qonnx_quant1_scaled", "1-bit Quant activations with scale 0.5 (QONNX: y = bipolar * "
      "scale); +-alpha_n weight initializers", seed=422, act="quant1", act_scale=0.5,
      weight_scale=1.0)
qonnx("qonnx_quant1_weights", "1-bit Quant of latent weight initializers (scale 1), 1-bit Quant "
      "activations (scale 1)", seed=423, act="quant1", weights="quant1")


def multithreshold_model(name, seed, on_input):
    """FINN-streamlined form: +-1 weight initializers, bipolar MultiThreshold (one threshold per
    channel, out_scale 2, out_bias -1) absorbing BatchNorm. The thresholds of the layers after
    the binary conv / matmul are integers that some (integer) sums hit exactly: x >= t is exact
    in float. on_input: the first MultiThreshold reads the graph input directly (thresholds on
    the input's (k + 1/2)/8 grid: ties again); otherwise a float stem conv comes first."""
    rng = np.random.default_rng(seed)
    g = Graph(name, [QONNX_DOMAIN])
    ties = 0

    def mt(v, thresholds):
        return g.node("MultiThreshold", [v, g.init("T", thresholds.astype(np.float32))],
                      domain=QONNX_DOMAIN, out_scale=2.0, out_bias=-1.0)

    def integer_mt(v):
        nonlocal ties
        d = channels_rows(g.value(v))
        t = np.floor(np.median(d, axis=1, keepdims=True))
        ties += int(np.sum(d == t))
        return mt(v, t)

    if on_input:
        x_np = half_offset_input(rng, 1, 4, 8, 8)
        x = g.input("in0", x_np)
        t0 = (rng.integers(-2, 2, size=(4, 1)) + 0.5) / 8
        ties += int(np.sum(channels_rows(x_np) == t0))
        h = mt(x, t0)
        cin = 4
    else:
        x_np = dyadic_input(rng, 1, 3, 8, 8)
        x = g.input("in0", x_np)
        w0 = (rng.integers(-8, 9, size=(8, 3, 3, 3)) / 16).astype(np.float32)
        h = g.node("Conv", [x, g.init("stem_W", w0)], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        h = mt(h, zero_crossings(channels_rows(g.value(h)))[:, None])
        cin = 8
    w1 = np.where(rng.random((8, cin, 3, 3)) < 0.5, -1.0, 1.0).astype(np.float32)
    h = g.node("Conv", [h, g.init("conv_W", w1)], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = integer_mt(h)
    h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    h = g.node("Reshape", [h, g.init("shape", np.array([1, -1], np.int64))])  # [1, 128]
    w2 = np.where(rng.random((128, 32)) < 0.5, -1.0, 1.0).astype(np.float32)
    h = g.node("MatMul", [h, g.init("fc_W", w2)])
    h = integer_mt(h)
    w3 = (rng.standard_normal((32, 10)) * 0.2).astype(np.float32)
    h = g.node("MatMul", [h, g.init("out_W", w3)])
    where = "the graph input" if on_input else "a float stem conv"
    r = finish(g, h, [x_np], 2, f"bipolar MultiThreshold (out_scale 2, out_bias -1) after {where},"
               f" a +-1 Conv and a +-1 MatMul (exact ties x == t); a float MatMul head")
    r["ties"] = ties
    return r


builder("qonnx_multithreshold", "qonnx")(lambda: multithreshold_model("multithreshold", 431,
                                                                      False))
builder("qonnx_multithreshold_input", "qonnx")(
    lambda: multithreshold_model("multithreshold_input", 432, True))


def xnor_weight(g, w, axes=(1, 2, 3)):
    """Sign(W) * ReduceMean(Abs(W)) over `axes` (kept), written as ONNX ops on initializer W:
    the XNOR-Net weight binarizer as exported."""
    wn = g.init("W", w)
    a = g.node("ReduceMean", [g.node("Abs", [wn])], axes=list(axes), keepdims=1)
    return g.node("Mul", [g.node("Sign", [wn]), a])


@builder("shape_asympad", "shapes")
def build_asympad():
    """Sign -> Conv(pads [0, 1, 1, 2]) with Sign(W) * ReduceMean(Abs(W)) weights, written as
    ONNX ops, BN, Sign, a second Conv(pads [2, 0, 0, 1], stride 2), BN."""
    rng = np.random.default_rng(320)
    g = Graph("asympad")
    x_np = half_offset_input(rng, 1, 8, 7, 7)
    x = g.input("in0", x_np)

    presign = [x]
    h = g.node("Sign", [x])
    h = g.node("Conv", [h, xnor_weight(g, latent(rng, 8, 8, 3, 3))], kernel_shape=[3, 3],
               pads=[0, 1, 1, 2])  # top 0, left 1, bottom 1, right 2: [1, 8, 6, 8]
    h = g.batchnorm(h, 3201)
    presign.append(h)
    h = g.node("Sign", [h])
    h = g.node("Conv", [h, xnor_weight(g, latent(rng, 8, 8, 3, 3))], kernel_shape=[3, 3],
               pads=[2, 0, 0, 1], strides=[2, 2])
    h = g.batchnorm(h, 3202)
    return finish(g, h, [x_np], 2, "asymmetric Conv pads [0,1,1,2] and [2,0,0,1] (stride 2) "
                  "after Sign", reference="onnxruntime", presign=presign)


@builder("shape_ternary_weights", "shapes")
def build_ternary_weights():
    """Ternary weights: Sign(W) * mean|W_c| where a few latent weights are exactly 0, so the
    folded weights are {-alpha_c, 0, +alpha_c} (BINARY_SEMANTICS §4). Some zeros sit at border
    taps (they meet the zero padding). Sign -> Conv 3x3 pad 1 -> BN -> Sign -> Conv 3x3 stride 2
    -> BN -> Sign -> Flatten -> MatMul (zeros too) -> out."""
    rng = np.random.default_rng(330)
    g = Graph("ternary_weights")
    x_np = half_offset_input(rng, 1, 32, 6, 6)
    x = g.input("in0", x_np)

    def with_zeros(w, count):
        flat = w.reshape(-1)
        flat[rng.choice(flat.size, size=count, replace=False)] = 0.0
        flat[0] = 0.0  # channel 0, tap (0, 0): a corner tap, padded at the first output
        return w

    presign = [x]
    h = g.node("Sign", [x])
    h = g.node("Conv", [h, xnor_weight(g, with_zeros(latent(rng, 32, 32, 3, 3), 24), [1, 2, 3])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = g.batchnorm(h, 3301)
    presign.append(h)
    h = g.node("Sign", [h])
    h = g.node("Conv", [h, xnor_weight(g, with_zeros(latent(rng, 32, 32, 3, 3), 12), [1, 2, 3])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
    h = g.batchnorm(h, 3302)
    presign.append(h)
    h = g.node("Sign", [h])
    h = g.node("Flatten", [h], axis=1)
    h = g.node("MatMul", [h, xnor_weight(g, with_zeros(latent(rng, 288, 10), 6), [0])])
    return finish(g, h, [x_np], 3, "ternary weights (exact zeros in Sign(W)) in two convs and a "
                  "MatMul, some at padded border taps", reference="onnxruntime", presign=presign)


@builder("shape_ternary_dense", "shapes")
def build_ternary_dense():
    """Ternary weights with many zeros (a pruned binary network: 30-50% of Sign(W) is 0), which
    take a weight mask plane instead of the sparse correction, and exact zeros in the
    activations too (ReLU before each Sign), so the kernels' masked loop meets the weight mask.
    Relu -> Sign -> Conv 3x3 pad 1 (40 -> 24) -> BN -> Relu -> Sign -> Conv 3x3 stride 2 (24 ->
    16) -> BN -> Sign -> Flatten -> MatMul (256 -> 10)."""
    rng = np.random.default_rng(340)
    g = Graph("ternary_dense")
    x_np = dyadic_input(rng, 1, 40, 7, 7)
    x = g.input("in0", x_np)

    def pruned(w, fraction):
        flat = w.reshape(-1)
        flat[rng.random(flat.size) < fraction] = 0.0
        flat[0] = 0.0  # channel 0, tap (0, 0): a corner tap, padded at the first output
        return w

    h = g.node("Sign", [g.node("Relu", [x])])
    h = g.node("Conv", [h, xnor_weight(g, pruned(latent(rng, 24, 40, 3, 3), 0.3), [1, 2, 3])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    h = g.batchnorm(h, 3401)
    presign = [h]
    h = g.node("Sign", [g.node("Relu", [h])])
    h = g.node("Conv", [h, xnor_weight(g, pruned(latent(rng, 16, 24, 3, 3), 0.5), [1, 2, 3])],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])
    h = g.batchnorm(h, 3402)
    presign.append(h)
    h = g.node("Sign", [h])
    h = g.node("Flatten", [h], axis=1)
    h = g.node("MatMul", [h, xnor_weight(g, pruned(latent(rng, 256, 10), 0.4), [0])])
    return finish(g, h, [x_np], 3, "ternary weights with 30-50% zeros (weight mask planes) and "
                  "exact zeros in the activations", reference="onnxruntime", presign=presign)


@builder("shape_ternary_sparse", "shapes")
def build_ternary_sparse():
    """The few zeros PyTorch's initialisation can leave in a large layer: one zero weight (at a
    corner tap, padded at the first output) in a 3x3 conv of 73,728 weights, which keeps the
    sparse correction (zero_taps) except on AVX-512, where the kernel makes it a weight mask.
    Sign -> Conv 3x3 pad 1 (64 -> 128) -> BN -> out."""
    rng = np.random.default_rng(350)
    g = Graph("ternary_sparse")
    x_np = half_offset_input(rng, 1, 64, 5, 5)
    x = g.input("in0", x_np)
    w = latent(rng, 128, 64, 3, 3)
    w[3, 0, 0, 0] = 0.0
    h = g.node("Conv", [g.node("Sign", [x]), xnor_weight(g, w)], kernel_shape=[3, 3],
               pads=[1, 1, 1, 1])
    h = g.batchnorm(h, 3501)
    return finish(g, h, [x_np], 1, "one zero weight in 73,728 (the sparse correction)",
                  reference="onnxruntime", presign=[x])


# ---------------------------------------------------------------------------------------------


def export_torch(name, spec, outdir):
    module = spec["module"]
    inputs = spec["inputs"]
    module.eval()
    tin = [torch.from_numpy(x) for x in inputs]
    with torch.no_grad():
        Calib.calibrating = True
        try:
            module(*tin)
        finally:
            Calib.calibrating = False
        Calib.records = []
        try:
            outs = module(*tin)
            records = Calib.records
        finally:
            Calib.records = None
    for mod in module.modules():
        if isinstance(mod, BinConv) and mod.wfn in (w_recu, w_imb):
            check_centred_weights(name, mod.latent(), imb=mod.wfn is w_imb)
    min_abs = min(r[1] for r in records)
    zeros = sum(r[2] for r in records)
    for what, m, z, allowed in records:
        if z and not allowed:
            raise RuntimeError(f"{name}: {z} exact zeros reach a {what} where none are wanted")
    if min_abs < MIN_PRESIGN_ABS:
        raise RuntimeError(f"{name}: smallest |pre-binarizer value| {min_abs:.3g} < "
                           f"{MIN_PRESIGN_ABS}")
    if spec.get("zeros_wanted") and zeros == 0:
        raise RuntimeError(f"{name}: no exact zeros reach a binarizer")
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    input_names = [f"in{i}" for i in range(len(inputs))]
    output_names = [f"out{i}" for i in range(len(outs))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, tuple(tin), os.path.join(outdir, f"{name}.onnx"),
                          opset_version=OPSET, input_names=input_names,
                          output_names=output_names, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.EVAL)
    return {
        "reference": "onnxruntime",
        "min_presign_abs": min_abs,
        "presign_zeros": zeros,
        "outputs": [{"name": n, "shape": list(o.shape), "dtype": "float32"}
                    for n, o in zip(output_names, outs)],
        "input_names": input_names,
    }


def export_graph(name, spec, outdir):
    import onnx

    model = spec["model"]
    onnx.save(model, os.path.join(outdir, f"{name}.onnx"))
    outs = qref.run_model(model, spec["inputs"])
    entry = {
        "reference": spec["reference"],
        "outputs": [{"name": o.name, "shape": list(v.shape), "dtype": str(v.dtype)}
                    for o, v in zip(model.graph.output, outs)],
        "input_names": [n for n, _ in
                        [(vi.name, 0) for vi in model.graph.input
                         if vi.name not in {t.name for t in model.graph.initializer}]],
    }
    if spec.get("min_presign_abs") is not None:
        if spec["min_presign_abs"] < MIN_PRESIGN_ABS:
            raise RuntimeError(f"{name}: smallest |pre-binarizer value| "
                               f"{spec['min_presign_abs']:.3g} < {MIN_PRESIGN_ABS}")
        entry["min_presign_abs"] = spec["min_presign_abs"]
    if "ties" in spec:
        entry["threshold_ties"] = spec["ties"]
    return entry


def export(name, outdir):
    import onnx

    group, fn = BUILDERS[name]
    spec = fn()
    if "module" in spec:
        entry = export_torch(name, spec, outdir)
    else:
        entry = export_graph(name, spec, outdir)
    file = f"{name}.onnx"
    model = onnx.load(os.path.join(outdir, file))
    onnx.checker.check_model(model)
    entry.update({
        "name": name,
        "group": group,
        "description": spec["description"],
        "file": file,
        "opset": OPSET,
        "binary_layers": spec["binary_layers"],
        "domains": sorted({o.domain for o in model.opset_import if o.domain}),
        "ops": sorted({n.op_type for n in model.graph.node}),
        "bytes": os.path.getsize(os.path.join(outdir, file)),
        "inputs": [],
    })
    for i, (n, x) in enumerate(zip(entry.pop("input_names"), spec["inputs"])):
        f = f"{name}.in{i}.npy"
        np.save(os.path.join(outdir, f), x)
        entry["inputs"].append({"name": n, "file": f, "shape": list(x.shape),
                                "dtype": str(x.dtype)})
    return entry


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="generate only this model (a name or a group); repeatable")
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    os.makedirs(args.outdir, exist_ok=True)
    wanted = list(BUILDERS)
    if args.only:
        groups = {g for g, _ in BUILDERS.values()}
        unknown = [n for n in args.only if n not in BUILDERS and n not in groups]
        if unknown:
            ap.error(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(BUILDERS)}")
        wanted = [n for n in wanted if n in args.only or BUILDERS[n][0] in args.only]

    entries = []
    for name in wanted:
        entry = export(name, args.outdir)
        entries.append(entry)
        extra = ""
        if "min_presign_abs" in entry:
            extra += f", min|pre-sign|={entry['min_presign_abs']:.3g}"
        if entry.get("presign_zeros"):
            extra += f", {entry['presign_zeros']} zeros into Sign"
        print(f"gen_binarizers: {name}: {entry['bytes']} bytes, {entry['binary_layers']} binary, "
              f"ref {entry['reference']}, ops {' '.join(entry['ops'])}{extra}")

    from gen_models import write_manifest  # same folder: one stamp format for both
    write_manifest(args.outdir, entries)
    print(f"gen_binarizers: {len(entries)} models in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
