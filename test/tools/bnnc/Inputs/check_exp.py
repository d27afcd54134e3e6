# Reference for ../approximate-exp.onnxtxt: the approximated exp against float64, in ulps of the
# float32 result where that is a normal number.
import sys

import numpy as np

x = np.load(sys.argv[1]).ravel()
y = np.load(sys.argv[2]).ravel().astype(np.float64)
ref = np.exp(x.astype(np.float64))
tiny = np.finfo(np.float32).tiny
big = float(np.finfo(np.float32).max)
normal = np.isfinite(x) & (ref >= tiny) & (ref <= big)
ulp = np.abs(y[normal] - ref[normal]) / np.spacing(ref[normal].astype(np.float32)).astype(np.float64)
low = x[normal] <= 80
under = np.isfinite(x) & (ref < tiny)
over = np.isfinite(x) & (ref > big)
ok = (ulp[low].max() <= 1.01 and ulp.max() <= 6 and (y[over] == np.inf).all()
      and np.abs(y[under] - ref[under]).max() <= tiny)
print("ok" if ok else ("bad", ulp[low].max(), ulp.max()))
print(y[-5:].tolist())
