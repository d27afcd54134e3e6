"""Trains a small binarized CNN on scikit-learn's 8x8 digits and exports it to ONNX.

    python3 train_digits.py [--outdir DIR] [--epochs N]

Network (input N x 1 x 8 x 8, pixels scaled to [0, 1]):
  float Conv 3x3 (1->16, pad 1) -> BatchNorm -> Sign
  -> binary Conv 3x3 (16->32, pad 1; weight Sign(W) * mean|W| per output channel) -> BatchNorm
  -> Sign -> binary Conv 3x3 (32->32, pad 1) -> BatchNorm -> MaxPool 2 -> Flatten (512)
  -> Sign -> binary Linear (512->64) -> BatchNorm -> float Linear (64->10) = logits

Training uses straight-through estimators (the gradient of Sign passes where |x| <= 1). The
exported graph uses plain Sign ops: Sign on activations, Sign(W) * ReduceMean(Abs(W)) on the
weights (torch.onnx.export with do_constant_folding=False keeps that subgraph).

Data: the 1797 images of sklearn.datasets.load_digits (bundled, no download), split with
train_test_split(test_size=450, random_state=0): 1347 for training, 450 held out.

Writes into DIR (default: this script's directory):
  digits.onnx                  opset 13, static batch 450 (input "input", output "logits")
  test_inputs.npy              450 x 1 x 8 x 8 float32, pixels / 16
  test_labels.npy              450 int64
  torch_logits.npy             450 x 10 float32: PyTorch's outputs of the exported network
  torch_presign_min_abs.npy    450 float32: per sample, the smallest |value| that reaches an
                               activation Sign (a prediction that differs from PyTorch's is a
                               float-rounding tie only where this is tiny)
Deterministic: fixed seeds, one thread.
"""

import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 0
N_TEST = 450


class SignSTE(torch.autograd.Function):
    """sign(x) forward; straight-through (clipped identity) backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


class Binarize(nn.Module):
    """Activation binarizer. In training: SignSTE. Otherwise plain torch.sign (exports as ONNX
    Sign). Records per-sample min |input| when `record` is a list."""

    record = None

    def forward(self, x):
        if Binarize.record is not None:
            Binarize.record.append(x.detach().abs().flatten(1).min(dim=1).values)
        if self.training:
            return SignSTE.apply(x)
        return torch.sign(x)


def binary_weight(w, training):
    """Sign(W) * mean|W| over all but the output dimension (XNOR-Net)."""
    alpha = w.abs().mean(dim=tuple(range(1, w.dim())), keepdim=True)
    s = SignSTE.apply(w) if training else torch.sign(w)
    return s * alpha


class BinaryConv2d(nn.Conv2d):
    def __init__(self, cin, cout, k, **kw):
        super().__init__(cin, cout, k, bias=False, **kw)

    def forward(self, x):
        return F.conv2d(x, binary_weight(self.weight, self.training), None, self.stride,
                        self.padding, self.dilation, self.groups)


class BinaryLinear(nn.Linear):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, bias=False)

    def forward(self, x):
        return F.linear(x, binary_weight(self.weight, self.training))


class DigitsBNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(16)
        self.sign1 = Binarize()
        self.conv1 = BinaryConv2d(16, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.sign2 = Binarize()
        self.conv2 = BinaryConv2d(32, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.pool = nn.MaxPool2d(2)
        self.sign3 = Binarize()
        self.fc1 = BinaryLinear(32 * 4 * 4, 64)
        self.bn3 = nn.BatchNorm1d(64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.bn0(self.stem(x))
        x = self.bn1(self.conv1(self.sign1(x)))
        x = self.pool(self.bn2(self.conv2(self.sign2(x))))
        x = torch.flatten(x, 1)
        x = self.bn3(self.fc1(self.sign3(x)))
        return self.fc2(x)


def load_data():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=N_TEST, random_state=0)


def train(model, x, y, epochs, batch=32, lr=5e-3):
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * ((len(x) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            if len(idx) < 2:
                continue  # BatchNorm needs two samples
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        if (epoch + 1) % 10 == 0 or epoch + 1 == epochs:
            print(f"train_digits: epoch {epoch + 1}/{epochs}: loss {total / len(xt):.4f}",
                  flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--outdir", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--epochs", type=int, default=40)
    args = ap.parse_args(argv)

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.use_deterministic_algorithms(True)

    t0 = time.time()
    x_train, x_test, y_train, y_test = load_data()
    assert len(x_train) == 1797 - N_TEST and len(x_test) == N_TEST
    model = DigitsBNN()
    train(model, x_train, y_train, args.epochs)
    model.eval()

    xt = torch.from_numpy(x_test)
    Binarize.record = []
    try:
        with torch.no_grad():
            logits = model(xt)
        presign = torch.stack(Binarize.record, dim=1).min(dim=1).values
    finally:
        Binarize.record = None
    with torch.no_grad():
        train_acc = float((model(torch.from_numpy(x_train)).argmax(1).numpy() == y_train).mean())
    acc = float((logits.argmax(1).numpy() == y_test).mean())

    os.makedirs(args.outdir, exist_ok=True)
    onnx_path = os.path.join(args.outdir, "digits.onnx")
    torch.onnx.export(model, (xt,), onnx_path, opset_version=13, input_names=["input"],
                      output_names=["logits"], do_constant_folding=False,
                      training=torch.onnx.TrainingMode.EVAL)
    np.save(os.path.join(args.outdir, "test_inputs.npy"), x_test)
    np.save(os.path.join(args.outdir, "test_labels.npy"), y_test)
    np.save(os.path.join(args.outdir, "torch_logits.npy"), logits.numpy().astype(np.float32))
    np.save(os.path.join(args.outdir, "torch_presign_min_abs.npy"),
            presign.numpy().astype(np.float32))

    import onnx

    onnx.checker.check_model(onnx.load(onnx_path))
    p = presign.numpy()
    print(f"train_digits: train accuracy {train_acc:.4f}, held-out accuracy {acc:.4f} "
          f"({int(round(acc * N_TEST))}/{N_TEST})")
    print(f"train_digits: smallest |pre-sign| per sample: min {p.min():.3g}, median "
          f"{np.median(p):.3g}; samples under 1e-5: {int((p < 1e-5).sum())}")
    print(f"train_digits: wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes) in "
          f"{time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
