"""Checks logits computed for digits.onnx (e.g. by the compiled program) against PyTorch's.

    python3 check_predictions.py --logits OUT.npy [--dir DIR] [--tie-threshold 1e-5]

OUT.npy holds 450 x 10 logits for test_inputs.npy. The predicted class (argmax) must equal
PyTorch's (torch_logits.npy) for every sample, except where that sample's smallest |pre-sign
value| (torch_presign_min_abs.npy) is below the tie threshold: there a float-rounding difference
may legitimately flip a sign. Prints the accuracy against test_labels.npy and the agreement
with PyTorch; exits 1 on any other disagreement.
"""

import argparse
import os
import sys

import numpy as np


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--logits", required=True, help="450 x 10 logits (.npy) to check")
    ap.add_argument("--dir", default=here,
                    help="directory with torch_logits.npy, test_labels.npy, "
                         "torch_presign_min_abs.npy (default: this script's)")
    ap.add_argument("--tie-threshold", type=float, default=1e-5)
    args = ap.parse_args(argv)

    try:
        logits = np.load(args.logits)
    except (OSError, ValueError) as e:
        print(f"check_predictions: cannot read {args.logits}: {e}")
        return 1
    ref = np.load(os.path.join(args.dir, "torch_logits.npy"))
    labels = np.load(os.path.join(args.dir, "test_labels.npy"))
    presign = np.load(os.path.join(args.dir, "torch_presign_min_abs.npy"))
    if logits.shape != ref.shape:
        print(f"check_predictions: FAIL: logits have shape {list(logits.shape)}, "
              f"expected {list(ref.shape)}")
        return 1
    if not np.all(np.isfinite(logits)):
        print("check_predictions: FAIL: logits contain NaN or infinity")
        return 1

    pred = logits.argmax(axis=1)
    tpred = ref.argmax(axis=1)
    n = len(labels)
    agree = pred == tpred
    ties = presign < args.tie_threshold
    bad = np.where(~agree & ~ties)[0]
    excused = np.where(~agree & ties)[0]
    acc = float((pred == labels).mean())
    tacc = float((tpred == labels).mean())
    err = float(np.abs(logits.astype(np.float64) - ref).max())

    print(f"check_predictions: accuracy {acc:.4f} ({int((pred == labels).sum())}/{n}); "
          f"PyTorch {tacc:.4f}")
    print(f"check_predictions: agrees with PyTorch on {int(agree.sum())}/{n} samples; "
          f"{len(excused)} disagreement(s) at near-ties (|pre-sign| < {args.tie_threshold:g}); "
          f"max |logit difference| {err:.3g}")
    for i in excused:
        print(f"  sample {i}: predicted {pred[i]}, PyTorch {tpred[i]} "
              f"(min |pre-sign| {presign[i]:.3g}: a rounding tie)")
    for i in bad:
        print(f"  sample {i}: predicted {pred[i]}, PyTorch {tpred[i]}, label {labels[i]} "
              f"(min |pre-sign| {presign[i]:.3g})")
    if len(bad):
        print(f"check_predictions: FAIL: {len(bad)} disagreement(s) with PyTorch that are not "
              f"rounding ties")
        return 1
    print("check_predictions: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
