"""Builds a ReActNet-A BNN (224x224 input, random weights) and exports it to ONNX.

    /usr/bin/python3 bench/gen_reactnet_a.py OUT.onnx [--batch N] [--seed S] [--single-pw]

Writes OUT.onnx (opset 13, exported with do_constant_folding=False, so the weight-side Abs /
ReduceMean / Sign / Mul subgraph of every binary conv stays in the file, as in real exports) and
OUT.in0.npy, the input the BatchNorms, RSign and RPReLU shifts were calibrated on (use it to
compare bnnc with onnxruntime). Prints the parameter and MAC counts and the smallest |value| that
reaches a Sign.

Architecture (Liu et al., ReActNet, ECCV 2020, ReActNet-A: MobileNet-v1 with every depthwise
3x3 replaced by a full binary 3x3 conv), laid out as the authors' code (reactnet.py):
  stem:  float Conv 3x3/2, 3 -> 32 (no bias), BatchNorm                             -> 32x112x112
  13 blocks, C -> C_out (stride): 32->64, 64->128 (2), 128->128, 128->256 (2), 256->256,
         256->512 (2), 5 x 512->512, 512->1024 (2), 1024->1024 (the channel plan of
         test/compiler/report/gen_report_models.py), each:
           h   = BN(BinConv3x3_stride(RSign(x)))          C -> C, zero padding 1
           x1  = RPReLU(h + shortcut(x))                  shortcut: x, or AvgPool2d(2) (stride 2)
           out = RPReLU(BN(BinConv1x1(RSign(x1))) + x1)   when C_out = C
           out = RPReLU(concat(BN_a(BinConv1x1_a(RSign(x1))) + x1,
                               BN_b(BinConv1x1_b(RSign(x1))) + x1))   when C_out = 2C
         RSign(x) = Sign(x + b_c), b a learnt per-channel shift;
         RPReLU(x) = PReLU(x - gamma_c) + zeta_c, per-channel slopes;
         BinConv weights are Sign(W) * mean|W| per output channel.
  head:  global average pool, float Linear 1024 -> 1000.
26 binary conv layers (13 3x3, 13 pointwise); the 5 channel-doubling pointwise layers are two
C -> C convs each, as in the authors' code, so the ONNX file has 31 binary Conv nodes.
--single-pw makes each of those one C -> 2C conv with one BatchNorm and the shortcut concatenated
with itself (gen_report_models.py's form: 26 binary Conv nodes, the same MACs and the same
function).

"Every value reaching a Sign bounded away from 0": a binarized network amplifies rounding
differences (a value within ~1e-6 of 0 may flip its sign between two float implementations), so
one calibration pass over the input sets the parameters so that, per channel, the values of the
residual stream lie on a lattice off + l_c * Z (up to float rounding, ~1e-7 relative):
  * the input and the stem weights are dyadic, so the stem conv is exact (multiples of 1/64), and
    the stem BN maps it onto a lattice with step l_c in [0.25, 1];
  * a binary conv yields alpha_c * d with d an even integer (Cin * taps is even, padding
    included); its BN maps d / 2 onto integer multiples of the stream's step (scaled so that the
    branch has about half the shortcut's RMS), so the sum stays on the lattice; AvgPool2d(2)
    divides the step by 4;
  * RPReLU is affine on each channel of the calibration input: gamma_c lies below all of the
    channel's values (the identity branch), or above all of them (the slope branch, slope a_c in
    [0.15, 0.5]: the step becomes a_c * l_c), the latter for the widest quarter of the channels,
    so that the channels' scales stay together; both branches of PReLU are used, by different
    channels (a PReLU that bent the lattice inside a channel would scatter its values);
  * every RSign shift puts the channel's threshold in the middle of the widest gap between
    consecutive values whose rank lies within 30%..70% (so both signs occur about equally): the
    margin is at least l_c / 2.
The classifier is scaled so that the logits have an RMS of about 5 (so that a relative output
check means something).
"""

import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from gen_bireal18 import (Calib, Probe, calibrate, dyadic_stem_and_input, export, per_channel,
                          seeded, set_bn, sign_act)

# (C_in, C_out, stride) of ReActNet-A's 13 blocks.
BLOCKS = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
          (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
BRANCH_RMS = 0.5  # RMS of a binary conv's BN output, relative to its shortcut's
BAND = (0.3, 0.7)  # sign thresholds lie between these quantiles of each channel
LOGIT_RMS = 5.0


class Track:
    """Calibration state: the per-channel lattice step of the residual stream (float64)."""

    ell = None
    margins = None  # while probing: (name, min |z|, min |z_c| / rms(z_c), min |z_c| / l_c)


class BinConv(nn.Conv2d):
    """k x k conv, zero padding k // 2, weights Sign(W) * mean|W_c| (per output channel)."""

    def __init__(self, cin, cout, k, stride):
        super().__init__(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        with torch.no_grad():  # Sign(0) = 0 would make d odd: no latent weight is exactly 0
            w = self.weight
            w.copy_(torch.where(w == 0, torch.full_like(w, 1e-6), w))
        self.macs = 0  # per image, set by the calibration pass

    def alpha(self):
        return self.weight.detach().abs().mean(dim=(1, 2, 3))

    def forward(self, x):
        w = self.weight
        wb = torch.sign(w) * w.abs().mean(dim=(1, 2, 3), keepdim=True)
        y = F.conv2d(x, wb, None, self.stride, self.padding)
        if Calib.on:
            self.macs = y.shape[1] * y.shape[2] * y.shape[3] * w[0].numel()
        return y


def widest_gap(v, band=BAND):
    """v: [C, N] float64. Per channel, the middle of the widest gap between consecutive sorted
    values whose ranks lie in band (or, if the values in the band are all equal, of the gap
    nearest to the median); returns (middle, half-width)."""
    s, _ = torch.sort(v, dim=1)
    n = s.shape[1]
    gaps = s[:, 1:] - s[:, :-1]  # [C, n - 1]; gap i lies between ranks i and i + 1
    rank = torch.arange(n - 1, dtype=torch.float64) + 0.5
    lo, hi = band[0] * (n - 1), band[1] * (n - 1)
    in_band = (rank >= lo) & (rank <= hi)
    scale = (s[:, -1] - s[:, 0]).clamp_min(1e-30)
    real = gaps > 1e-6 * scale[:, None]
    score = torch.where(in_band & real, gaps, torch.zeros_like(gaps))
    # Outside the band (or no real gap in it): the nearest real gap to the median wins.
    fallback = torch.where(real, -(rank - (n - 1) / 2).abs(), torch.full_like(gaps, -1e30))
    use_band = score.max(dim=1).values > 0
    idx = torch.where(use_band, score.argmax(dim=1), fallback.argmax(dim=1))
    lo_v = s.gather(1, idx[:, None])[:, 0]
    hi_v = s.gather(1, idx[:, None] + 1)[:, 0]
    return (lo_v + hi_v) / 2, (hi_v - lo_v) / 2


class RSign(nn.Module):
    """Sign(x + b_c)."""

    def __init__(self, c, name):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.name = name
        self.ell = None

    def forward(self, x):
        if Calib.on:
            mid, _ = widest_gap(per_channel(x))
            with torch.no_grad():
                self.bias.copy_(-mid.float().view(1, -1, 1, 1))
            self.ell = Track.ell.clone()
        z = x + self.bias
        if Probe.values is not None and Track.margins is not None:
            v = per_channel(z).abs()
            mins = v.min(dim=1).values
            rms = v.pow(2).mean(dim=1).sqrt().clamp_min(1e-30)
            Track.margins.append((self.name, float(mins.min()), float((mins / rms).min()),
                                  float((mins / self.ell).min())))
        return sign_act(z)


class RPReLU(nn.Module):
    """PReLU(x - gamma_c) + zeta_c, exported as Add, PRelu, Add."""

    def __init__(self, c, seed):
        super().__init__()
        self.shift_in = nn.Parameter(torch.zeros(1, c, 1, 1))  # -gamma
        self.prelu = nn.PReLU(c)
        self.shift_out = nn.Parameter(torch.zeros(1, c, 1, 1))  # zeta
        self.seed = seed

    def calibrate(self, x):
        g = torch.Generator().manual_seed(self.seed)
        v = per_channel(x)
        c = v.shape[0]
        slope = 0.15 + 0.35 * torch.rand(c, generator=g, dtype=torch.float64)
        lo, hi = v.min(dim=1).values, v.max(dim=1).values
        sd = v.std(dim=1)
        ell = Track.ell
        # The widest quarter of the channels use the slope branch: their scale shrinks by the
        # slope, so the channels' scales stay within a factor of about 1 / slope, and the
        # stream's RMS stays about the same (the BN branches add to it).
        neg = sd >= torch.quantile(sd, 0.75)
        pad = 0.5 * ell + 0.25 * sd * torch.rand(c, generator=g, dtype=torch.float64)
        gamma = torch.where(neg, hi + pad, lo - pad)
        p = torch.where(neg[:, None], slope[:, None] * (v - gamma[:, None]), v - gamma[:, None])
        # zeta: about centred, but not exactly (the classifier reads the channels' means).
        zeta = -p.mean(dim=1) + 0.5 * p.std(dim=1) * torch.randn(c, generator=g,
                                                                 dtype=torch.float64)
        with torch.no_grad():
            self.shift_in.copy_(-gamma.float().view(1, -1, 1, 1))
            self.prelu.weight.copy_(slope.float())
            self.shift_out.copy_(zeta.float().view(1, -1, 1, 1))
        Track.ell = torch.where(neg, slope * ell, ell)

    def forward(self, x):
        if Calib.on:
            self.calibrate(x)
        return self.prelu(x + self.shift_in) + self.shift_out


def calibrate_bn(bn, conv, y, shortcut, ell, gen):
    """bn(alpha_c * d) = step_c * (d / 2 - m_c) + beta_c, with step_c the multiple of the
    shortcut's lattice step ell that gives the branch about BRANCH_RMS of the shortcut's RMS
    (at least ell itself); m_c is the median of d / 2."""
    alpha = conv.alpha().double()
    q = per_channel(y) / alpha[:, None] / 2
    h = torch.round(q)
    err = float((q - h).abs().max())
    if err > 1e-2:
        raise RuntimeError(f"binary conv output off the even integers by {err:.3g}")
    m = torch.quantile(h, 0.5, dim=1).round()
    rh = (h - m[:, None]).pow(2).mean(dim=1).sqrt().clamp_min(0.5)
    rs = per_channel(shortcut).std(dim=1)
    step = ell * torch.clamp(torch.round(BRANCH_RMS * rs / (rh * ell)), min=1)
    beta = 0.1 * rs * torch.randn(step.shape, generator=gen, dtype=torch.float64)
    set_bn(bn, 2 * m * alpha, step / (2 * alpha), beta, gen)


class Block(nn.Module):
    def __init__(self, i, cin, cout, stride, single_pw):
        super().__init__()
        assert cout in (cin, 2 * cin)
        self.cin, self.cout, self.seed = cin, cout, 1000 + 10 * i
        self.rsign1 = RSign(cin, f"block{i}.rsign1")
        self.conv3x3 = BinConv(cin, cin, 3, stride)
        self.bn1 = nn.BatchNorm2d(cin)
        self.pool = nn.AvgPool2d(2) if stride == 2 else None
        self.act1 = RPReLU(cin, self.seed + 1)
        self.rsign2 = RSign(cin, f"block{i}.rsign2")
        self.split = cout != cin and not single_pw
        if self.split:  # the authors' form: two C -> C convs, concatenated
            self.pw_a, self.pw_b = BinConv(cin, cin, 1, 1), BinConv(cin, cin, 1, 1)
            self.bn2_a, self.bn2_b = nn.BatchNorm2d(cin), nn.BatchNorm2d(cin)
        else:
            self.pw = BinConv(cin, cout, 1, 1)
            self.bn2 = nn.BatchNorm2d(cout)
        self.act2 = RPReLU(cout, self.seed + 2)

    def binconvs(self):
        return [self.conv3x3] + ([self.pw_a, self.pw_b] if self.split else [self.pw])

    def forward(self, x):
        g = torch.Generator().manual_seed(self.seed) if Calib.on else None
        y = self.conv3x3(self.rsign1(x))
        s = self.pool(x) if self.pool is not None else x
        if Calib.on:
            Track.ell = Track.ell / 4 if self.pool is not None else Track.ell
            calibrate_bn(self.bn1, self.conv3x3, y, s, Track.ell, g)
        x1 = self.act1(self.bn1(y) + s)
        z = self.rsign2(x1)
        if self.split:
            ya, yb = self.pw_a(z), self.pw_b(z)
            if Calib.on:
                calibrate_bn(self.bn2_a, self.pw_a, ya, x1, Track.ell, g)
                calibrate_bn(self.bn2_b, self.pw_b, yb, x1, Track.ell, g)
                Track.ell = torch.cat([Track.ell, Track.ell])
            out = torch.cat([self.bn2_a(ya) + x1, self.bn2_b(yb) + x1], dim=1)
        else:
            y2 = self.pw(z)
            s2 = x1 if self.cout == self.cin else torch.cat([x1, x1], dim=1)
            if Calib.on:
                if self.cout != self.cin:
                    Track.ell = torch.cat([Track.ell, Track.ell])
                calibrate_bn(self.bn2, self.pw, y2, s2, Track.ell, g)
            out = self.bn2(y2) + s2
        return self.act2(out)


class ReActNetA(nn.Module):
    def __init__(self, gen, single_pw=False, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.step0 = 0.25 + 0.75 * torch.rand(32, generator=gen, dtype=torch.float64)
        self.blocks = nn.Sequential(*[Block(i, cin, cout, stride, single_pw)
                                      for i, (cin, cout, stride) in enumerate(BLOCKS)])
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(1024, num_classes)

    def binconvs(self):
        return [c for b in self.blocks for c in b.binconvs()]

    def calibrate_stem(self, v):
        # v = n / 64 exactly; bn1(v) = l_c * (n - n0) + beta_c, n0 the channel's median.
        g = torch.Generator().manual_seed(7)
        n = torch.round(per_channel(v) * 64)
        n0 = torch.quantile(n, 0.5, dim=1).round()
        beta = self.step0 * torch.randn(32, generator=g, dtype=torch.float64)
        set_bn(self.bn1, n0 / 64, 64 * self.step0, beta, g)
        Track.ell = self.step0.clone()

    def calibrate_head(self, f):
        g = torch.Generator().manual_seed(9)
        w = torch.randn(self.fc.weight.shape, generator=g, dtype=torch.float64)
        rms = f.double().pow(2).mean().sqrt().clamp_min(1e-30)
        with torch.no_grad():
            self.fc.weight.copy_((w * LOGIT_RMS / (rms * f.shape[1] ** 0.5)).float())
            self.fc.bias.copy_((0.1 * LOGIT_RMS * torch.randn(
                self.fc.bias.shape, generator=g, dtype=torch.float64)).float())

    def forward(self, x):
        v = self.conv1(x)
        if Calib.on:
            self.calibrate_stem(v)
        x = self.blocks(self.bn1(v))
        f = torch.flatten(self.avgpool(x), 1)
        if Calib.on:
            self.calibrate_head(f)
        return self.fc(f)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="the .onnx file to write")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--single-pw", action="store_true",
                    help="one C -> 2C binary 1x1 conv where the channels double (26 binary Conv "
                         "nodes) instead of the authors' two C -> C convs (31)")
    args = ap.parse_args(argv)

    gen = seeded(args.seed)
    model = ReActNetA(gen, single_pw=args.single_pw)
    x, xt = dyadic_stem_and_input(model, gen, args.seed, args.batch)
    calibrate(model, xt)
    with torch.no_grad():
        Probe.values, Track.margins = [], []
        try:
            model(xt)
            presign = min(Probe.values)
            n_signs = len(Probe.values)
            margins = Track.margins
        finally:
            Probe.values, Track.margins = None, None
    stem = export(model, x, xt, args.out)

    convs = model.binconvs()
    binary = sum(c.weight.numel() for c in convs)
    total = sum(p.numel() for p in model.parameters())
    bn_buffers = sum(b.numel() for n, b in model.named_buffers() if "running" in n)
    bin_macs = sum(c.macs for c in convs)
    float_macs = 112 * 112 * 32 * 27 + 1024 * 1000
    worst_rel = min(margins, key=lambda m: m[2])
    worst_ell = min(margins, key=lambda m: m[3])
    print(f"wrote {args.out} ({os.path.getsize(args.out):,} bytes) and {stem}.in0.npy")
    print(f"binary conv weights: {binary:,} in {len(convs)} convs (26 layers); float parameters: "
          f"{total - binary:,} (+ {bn_buffers:,} BN running statistics)")
    print(f"MACs per image: {bin_macs:,} binary, {float_macs:,} float (stem and classifier)")
    print(f"min |pre-sign value| over {n_signs} Sign inputs: {presign:.4g}; relative to its "
          f"channel's RMS at least {worst_rel[2]:.3g} ({worst_rel[0]}); in units of the "
          f"channel's lattice step at least {worst_ell[3]:.3f} ({worst_ell[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
