"""A small numpy interpreter for ONNX graphs with QONNX/FINN custom ops: the reference for the
end-to-end tests of models that onnxruntime cannot run.

    python3 qonnx_reference.py MODEL.onnx in0.npy [in1.npy ...] -o out0.npy [-o out1.npy ...]
    python3 qonnx_reference.py --lower MODEL.onnx in0.npy [...] -o LOWERED.onnx

The custom ops follow QONNX's reference implementation (qonnx/custom_op/general/*.py), the
semantics docs/BINARY_SEMANTICS.md §6 summarizes:

  BipolarQuant(x, scale)          = where(x >= 0, 1, -1) * scale
  Quant(x, scale, zeropt, bitwidth; signed, narrow, rounding_mode):
      v = x / scale + zeropt
      bitwidth 1 and signed:  q = where(v >= 0, 1, -1)        (QONNX treats it as bipolar)
      otherwise:              q = round(clamp(v, qmin, qmax))  (ROUND: half to even)
      y = (q - zeropt) * scale                                 (also for bitwidth 1)
  MultiThreshold(x, T[C, B]; out_scale, out_bias, data_layout)
      = out_scale * #{b : x >= T[c, b]} + out_bias   (c: the channel, axis 1 or last for NHWC;
                                                      T with one row applies to every channel)

accepted in the domains qonnx.custom_op.general, onnx.brevitas, finn.custom_op.general and finn.
The standard ops are those the test graphs use (Conv, MatMul, Gemm, BatchNormalization, MaxPool,
AveragePool, GlobalAveragePool, Reshape, Flatten, Transpose, element-wise arithmetic, Sign, Where,
comparisons, Cast, Clip, Relu, PRelu, reductions ...), with ONNX opset 13 semantics. Every op's
result is float32 (or the ONNX type); Conv, MatMul and Gemm accumulate in float64.

`--lower` rewrites the custom ops into standard ONNX ops with the same semantics, so that
onnxruntime can run the graph: check_qonnx.py uses it to cross-check this interpreter.
"""

import argparse
import sys

import numpy as np

QONNX_DOMAINS = ("qonnx.custom_op.general", "onnx.brevitas", "finn.custom_op.general", "finn")

ONNX_TO_NUMPY = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16, 6: np.int32, 7: np.int64,
    9: np.bool_, 10: np.float16, 11: np.float64, 12: np.uint32, 13: np.uint64,
}


class ReferenceError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# the QONNX custom ops


def bipolar_quant(x, scale):
    x = np.asarray(x, np.float32)
    y = np.where(x >= 0, np.float32(1), np.float32(-1)).astype(np.float32)
    return (y * np.asarray(scale, np.float32)).astype(np.float32)


def _qrange(signed, narrow, bitwidth):
    if signed:
        qmin = -(2 ** (bitwidth - 1)) + (1 if narrow else 0)
        qmax = 2 ** (bitwidth - 1) - 1
    else:
        qmin = 0
        qmax = 2 ** bitwidth - 1 - (1 if narrow else 0)
    return qmin, qmax


def _round(v, mode):
    mode = mode.upper()
    if mode == "ROUND":  # half to even, as numpy
        return np.round(v)
    if mode == "CEIL":
        return np.ceil(v)
    if mode == "FLOOR":
        return np.floor(v)
    if mode in ("ROUND_TO_ZERO", "DOWN"):
        return np.trunc(v)
    if mode == "UP":
        return np.sign(v) * np.ceil(np.abs(v))
    if mode == "HALF_UP":
        return np.sign(v) * np.floor(np.abs(v) + 0.5)
    if mode == "HALF_DOWN":
        return np.sign(v) * np.ceil(np.abs(v) - 0.5)
    raise ReferenceError(f"Quant: unknown rounding_mode '{mode}'")


def quant(x, scale, zeropt, bitwidth, signed=1, narrow=0, rounding_mode="ROUND"):
    """QONNX Quant (IntQuant), as qonnx.custom_op.general.quant.quant computes it."""
    x = np.asarray(x, np.float32)
    scale = np.asarray(scale, np.float32)
    zeropt = np.asarray(zeropt, np.float32)
    bits = float(np.asarray(bitwidth).reshape(-1)[0])
    if bits != int(bits) or bits < 1:
        raise ReferenceError(f"Quant: bit width {bits} is not a positive integer")
    bits = int(bits)
    v = (x / scale + zeropt).astype(np.float32)
    if bits == 1 and signed:
        q = np.where(v >= 0, np.float32(1), np.float32(-1)).astype(np.float32)
    else:
        qmin, qmax = _qrange(signed, narrow, bits)
        q = np.clip(v, qmin, qmax).astype(np.float32)
        q = _round(q, rounding_mode).astype(np.float32)
    return ((q - zeropt) * scale).astype(np.float32)


def multithreshold(x, thresholds, out_scale=1.0, out_bias=0.0, channels_last=False):
    x = np.asarray(x, np.float32)
    t = np.asarray(thresholds, np.float32)
    if t.ndim != 2:
        raise ReferenceError("MultiThreshold: thresholds must be [C, B]")
    axis = x.ndim - 1 if channels_last else 1
    if t.shape[0] != 1 and t.shape[0] != x.shape[axis]:
        raise ReferenceError("MultiThreshold: threshold rows do not match the channel count")
    xm = np.moveaxis(x, axis, -1)[..., None]  # [..., C, 1]
    count = np.count_nonzero(xm >= t, axis=-1).astype(np.float32)  # t broadcasts as [C, B]
    count = np.moveaxis(count, -1, axis)
    return (np.float32(out_scale) * count + np.float32(out_bias)).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# standard ops


def _attrs(node):
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _str(v):
    return v.decode() if isinstance(v, bytes) else v


def _pads_nd(pads, nd):
    pads = list(pads) if pads else [0] * (2 * nd)
    return pads[:nd], pads[nd:]


def conv(x, w, b=None, strides=None, pads=None, dilations=None, group=1):
    x = np.asarray(x, np.float64)
    w = np.asarray(w, np.float64)
    n, cin, h, wd = x.shape
    cout, cpg, kh, kw = w.shape
    if cin != cpg * group or cout % group:
        raise ReferenceError("Conv: channel counts do not match the group count")
    sh, sw = strides or (1, 1)
    dh, dw = dilations or (1, 1)
    (pt, pl), (pb, pr) = _pads_nd(pads, 2)
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    ho = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, cout, ho, wo), np.float64)
    opg = cout // group
    for g in range(group):
        xg = xp[:, g * cpg:(g + 1) * cpg]
        wg = w[g * opg:(g + 1) * opg]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                           j * dw:j * dw + sw * (wo - 1) + 1:sw]  # [n, cpg, ho, wo]
                out[:, g * opg:(g + 1) * opg] += np.einsum("nchw,oc->nohw", patch, wg[:, :, i, j])
    if b is not None:
        out += np.asarray(b, np.float64)[None, :, None, None]
    return out.astype(np.float32)


def pool(x, kind, kernel, strides=None, pads=None, dilations=None, ceil_mode=0,
         count_include_pad=0):
    x = np.asarray(x, np.float32)
    n, c, h, wd = x.shape
    kh, kw = kernel
    sh, sw = strides or (1, 1)
    dh, dw = dilations or (1, 1)
    (pt, pl), (pb, pr) = _pads_nd(pads, 2)
    if ceil_mode:
        raise ReferenceError(f"{kind}Pool: ceil_mode is not supported")
    fill = -np.inf if kind == "Max" else 0.0
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=fill)
    valid = np.pad(np.ones((h, wd)), ((pt, pb), (pl, pr)))
    ho = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    wo = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    acc = np.full((n, c, ho, wo), -np.inf if kind == "Max" else 0.0)
    cnt = np.zeros((ho, wo))
    for i in range(kh):
        for j in range(kw):
            sl = (slice(i * dh, i * dh + sh * (ho - 1) + 1, sh),
                  slice(j * dw, j * dw + sw * (wo - 1) + 1, sw))
            patch = xp[(slice(None), slice(None)) + sl]
            if kind == "Max":
                acc = np.maximum(acc, patch)
            else:
                acc = acc + patch
                cnt = cnt + (1 if count_include_pad else valid[sl])
    if kind == "Average":
        acc = acc / cnt
    return acc.astype(np.float32)


def batchnorm(x, scale, bias, mean, var, epsilon=1e-5):
    x = np.asarray(x, np.float32)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    r = lambda a: np.asarray(a, np.float32).reshape(shape)
    return ((x - r(mean)) / np.sqrt(r(var) + np.float32(epsilon)) * r(scale) + r(bias)).astype(
        np.float32)


def _reduce(fn, x, axes, keepdims):
    axes = None if axes is None or len(axes) == 0 else tuple(int(a) for a in axes)
    return np.asarray(fn(x, axis=axes, keepdims=bool(keepdims)))


def _reshape(x, shape, allowzero=0):
    shape = [int(s) for s in shape]
    if not allowzero:
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def run_node(node, ins):
    """The outputs of one node, given its inputs (None for an omitted optional input)."""
    op = node.op_type
    a = _attrs(node)
    x = ins[0] if ins else None
    if node.domain in QONNX_DOMAINS:
        if op == "BipolarQuant":
            return [bipolar_quant(x, ins[1] if len(ins) > 1 and ins[1] is not None else 1.0)]
        if op in ("Quant", "IntQuant"):
            return [quant(x, ins[1], ins[2], ins[3], a.get("signed", 1), a.get("narrow", 0),
                          _str(a.get("rounding_mode", "ROUND")))]
        if op == "MultiThreshold":
            return [multithreshold(x, ins[1], a.get("out_scale", 1.0), a.get("out_bias", 0.0),
                                   channels_last=_str(a.get("data_layout", "NCHW")) == "NHWC")]
        raise ReferenceError(f"{node.domain}.{op} is not supported")
    if node.domain not in ("", "ai.onnx"):
        raise ReferenceError(f"domain '{node.domain}' is not supported")

    binary = {
        "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power,
        "Greater": np.greater, "GreaterOrEqual": np.greater_equal, "Less": np.less,
        "LessOrEqual": np.less_equal, "Equal": np.equal, "And": np.logical_and,
        "Or": np.logical_or,
    }
    unary = {
        "Abs": np.abs, "Neg": np.negative, "Sqrt": np.sqrt, "Exp": np.exp, "Log": np.log,
        "Round": np.round, "Floor": np.floor, "Ceil": np.ceil, "Sign": np.sign,
        "Reciprocal": np.reciprocal, "Not": np.logical_not, "Tanh": np.tanh,
    }
    if op in binary:
        r = binary[op](x, ins[1])
        return [np.asarray(r).astype(x.dtype if r.dtype != np.bool_ else np.bool_)]
    if op == "Div":
        if np.issubdtype(x.dtype, np.integer):
            return [np.asarray(np.trunc(x / ins[1])).astype(x.dtype)]
        return [np.asarray(x / ins[1]).astype(x.dtype)]
    if op in unary:
        return [np.asarray(unary[op](x)).astype(x.dtype)]
    if op in ("Identity", "Dropout"):
        return [x] + ([np.ones(x.shape, np.bool_)] if op == "Dropout" and len(node.output) > 1
                      else [])
    if op == "Constant":
        from onnx import numpy_helper

        if "value" in a:
            return [numpy_helper.to_array(a["value"])]
        if "value_float" in a:
            return [np.array(a["value_float"], np.float32)]
        if "value_floats" in a:
            return [np.array(a["value_floats"], np.float32)]
        if "value_int" in a:
            return [np.array(a["value_int"], np.int64)]
        if "value_ints" in a:
            return [np.array(a["value_ints"], np.int64)]
        raise ReferenceError("Constant: unsupported value attribute")
    if op == "Relu":
        return [np.maximum(x, 0).astype(x.dtype)]
    if op == "LeakyRelu":
        return [np.where(x >= 0, x, x * np.float32(a.get("alpha", 0.01))).astype(x.dtype)]
    if op == "PRelu":
        return [np.where(x >= 0, x, x * ins[1]).astype(x.dtype)]
    if op == "Sigmoid":
        return [(1 / (1 + np.exp(-x.astype(np.float64)))).astype(x.dtype)]
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else -np.inf
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else np.inf
        return [np.minimum(np.maximum(x, lo), hi).astype(x.dtype)]
    if op == "Where":
        return [np.where(x, ins[1], ins[2])]
    if op == "Cast":
        return [x.astype(ONNX_TO_NUMPY[a["to"]])]
    if op == "MatMul":
        return [np.matmul(x.astype(np.float64), ins[1].astype(np.float64)).astype(x.dtype)]
    if op == "Gemm":
        A = x.astype(np.float64)
        B = ins[1].astype(np.float64)
        if a.get("transA", 0):
            A = A.T
        if a.get("transB", 0):
            B = B.T
        y = a.get("alpha", 1.0) * (A @ B)
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2].astype(np.float64)
        return [y.astype(x.dtype)]
    if op == "Conv":
        if _str(a.get("auto_pad", "NOTSET")) != "NOTSET":
            raise ReferenceError("Conv: auto_pad is not supported")
        return [conv(x, ins[1], ins[2] if len(ins) > 2 else None, a.get("strides"),
                     a.get("pads"), a.get("dilations"), a.get("group", 1))]
    if op in ("MaxPool", "AveragePool"):
        if _str(a.get("auto_pad", "NOTSET")) != "NOTSET":
            raise ReferenceError(f"{op}: auto_pad is not supported")
        return [pool(x, op[:-4], a["kernel_shape"], a.get("strides"), a.get("pads"),
                     a.get("dilations"), a.get("ceil_mode", 0), a.get("count_include_pad", 0))]
    if op == "GlobalAveragePool":
        return [x.mean(axis=tuple(range(2, x.ndim)), keepdims=True, dtype=np.float64)
                .astype(x.dtype)]
    if op == "GlobalMaxPool":
        return [x.max(axis=tuple(range(2, x.ndim)), keepdims=True)]
    if op == "BatchNormalization":
        return [batchnorm(x, ins[1], ins[2], ins[3], ins[4], a.get("epsilon", 1e-5))]
    if op == "Reshape":
        return [_reshape(x, ins[1], a.get("allowzero", 0))]
    if op == "Flatten":
        axis = a.get("axis", 1)
        axis = axis + x.ndim if axis < 0 else axis
        return [x.reshape(int(np.prod(x.shape[:axis])), -1)]
    if op == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if op == "Squeeze":
        axes = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("axes")
        return [np.squeeze(x, axis=None if axes is None else tuple(int(i) for i in axes))]
    if op == "Unsqueeze":
        axes = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("axes")
        y = x
        for ax in sorted(int(i) % (x.ndim + len(axes)) for i in axes):
            y = np.expand_dims(y, ax)
        return [y]
    if op == "Concat":
        return [np.concatenate([i for i in ins], axis=a["axis"])]
    if op == "Shape":
        return [np.array(x.shape, np.int64)]
    if op == "Gather":
        return [np.take(x, ins[1], axis=a.get("axis", 0))]
    if op in ("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd"):
        fn = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": np.max,
              "ReduceMin": np.min, "ReduceProd": np.prod}[op]
        axes = a.get("axes")
        if op == "ReduceSum" and len(ins) > 1 and ins[1] is not None:
            axes = ins[1]
        kw = {"dtype": np.float64} if op in ("ReduceMean", "ReduceSum") else {}
        r = _reduce(lambda v, axis, keepdims: fn(v, axis=axis, keepdims=keepdims, **kw), x, axes,
                    a.get("keepdims", 1))
        return [r.astype(x.dtype)]
    if op == "Pad":
        pads = [int(p) for p in ins[1]]
        value = ins[2].item() if len(ins) > 2 and ins[2] is not None else 0
        mode = _str(a.get("mode", "constant"))
        if mode != "constant":
            raise ReferenceError("Pad: only constant mode is supported")
        nd = x.ndim
        if min(pads) < 0:
            raise ReferenceError("Pad: negative pads are not supported")
        return [np.pad(x, list(zip(pads[:nd], pads[nd:])), constant_values=value)]
    if op == "Softmax":
        axis = a.get("axis", -1)
        e = np.exp(x.astype(np.float64) - x.max(axis=axis, keepdims=True))
        return [(e / e.sum(axis=axis, keepdims=True)).astype(x.dtype)]
    raise ReferenceError(f"op {op} is not supported by the numpy reference")


def run_model(model, inputs, want=None, everything=False):
    """Runs `model` (a ModelProto or a path) on the list of input arrays. Returns the graph
    outputs in order, or the values named in `want` (a list of names) if given, or with
    everything=True the dict of all values."""
    import onnx
    from onnx import numpy_helper

    if isinstance(model, str):
        model = onnx.load(model)
    graph = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    real_inputs = [vi for vi in graph.input if vi.name not in env]
    if len(inputs) != len(real_inputs):
        raise ReferenceError(f"model has {len(real_inputs)} input(s), {len(inputs)} given")
    for vi, x in zip(real_inputs, inputs):
        env[vi.name] = np.asarray(x)
    for node in graph.node:
        ins = []
        for name in node.input:
            if name == "":
                ins.append(None)
            elif name in env:
                ins.append(env[name])
            else:
                raise ReferenceError(f"node '{node.name or node.op_type}': input '{name}' is "
                                     f"not computed before it")
        try:
            outs = run_node(node, ins)
        except ReferenceError as e:
            raise ReferenceError(f"node '{node.name or node.op_type}': {e}") from None
        for name, v in zip(node.output, outs):
            if name:
                env[name] = v
    if everything:
        return env
    names = want if want is not None else [o.name for o in graph.output]
    return [env[n] for n in names]


def value_ranks(model, inputs):
    """The rank of every value of `model` on these inputs."""
    return {k: np.ndim(v) for k, v in run_model(model, inputs, everything=True).items()}


# ---------------------------------------------------------------------------------------------
# lowering the custom ops to standard ONNX (for a cross-check with onnxruntime)


def lower_custom_ops(model, ranks):
    """A copy of `model` with BipolarQuant, Quant and MultiThreshold written as standard ONNX ops
    of the same semantics, and the custom domains dropped from opset_import. `ranks` maps value
    names to their ranks (value_ranks() computes it)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    nodes = []
    counter = [0]

    def fresh(base):
        counter[0] += 1
        return f"{base}__lower{counter[0]}"

    def const(value, base):
        name = fresh(base)
        g.initializer.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def bipolar(x, out, base):
        ge = fresh(base)
        nodes.append(helper.make_node("GreaterOrEqual", [x, const(np.float32(0), base)], [ge]))
        nodes.append(helper.make_node("Where", [ge, const(np.float32(1), base),
                                                const(np.float32(-1), base)], [out]))

    for node in g.node:
        if node.domain not in QONNX_DOMAINS:
            nodes.append(node)
            continue
        a = _attrs(node)
        base = node.name or node.op_type
        x, y = node.input[0], node.output[0]
        if node.op_type == "BipolarQuant":
            if len(node.input) > 1 and node.input[1]:
                b = fresh(base)
                bipolar(x, b, base)
                nodes.append(helper.make_node("Mul", [b, node.input[1]], [y]))
            else:
                bipolar(x, y, base)
        elif node.op_type in ("Quant", "IntQuant"):
            s, z = node.input[1], node.input[2]
            bits = int(np.asarray(inits[node.input[3]]).reshape(-1)[0])
            signed, narrow = a.get("signed", 1), a.get("narrow", 0)
            mode = _str(a.get("rounding_mode", "ROUND")).upper()
            v0, v, q, d = fresh(base), fresh(base), fresh(base), fresh(base)
            nodes.append(helper.make_node("Div", [x, s], [v0]))
            nodes.append(helper.make_node("Add", [v0, z], [v]))
            if bits == 1 and signed:
                bipolar(v, q, base)
            else:
                qmin, qmax = _qrange(signed, narrow, bits)
                c = fresh(base)
                nodes.append(helper.make_node("Clip", [v, const(np.float32(qmin), base),
                                                       const(np.float32(qmax), base)], [c]))
                if mode == "ROUND":
                    nodes.append(helper.make_node("Round", [c], [q]))
                elif mode in ("CEIL", "FLOOR"):
                    nodes.append(helper.make_node(mode.capitalize(), [c], [q]))
                else:
                    raise ReferenceError(f"--lower: rounding_mode {mode} is not supported")
            nodes.append(helper.make_node("Sub", [q, z], [d]))
            nodes.append(helper.make_node("Mul", [d, s], [y]))
        elif node.op_type == "MultiThreshold":
            t = np.asarray(inits[node.input[1]], np.float32)
            layout = _str(a.get("data_layout", "NCHW"))
            if x not in ranks:
                raise ReferenceError(f"--lower: the rank of '{x}' is not known")
            rank = ranks[x]
            total = None
            for b in range(t.shape[1]):
                col = t[:, b]
                if layout == "NHWC" or rank == 2:
                    shape = [1] * (rank - 1) + [col.size]
                else:
                    shape = [1, col.size] + [1] * (rank - 2)
                ge, f = fresh(base), fresh(base)
                nodes.append(helper.make_node("GreaterOrEqual",
                                              [x, const(col.reshape(shape), base)], [ge]))
                nodes.append(helper.make_node("Cast", [ge], [f], to=TensorProto.FLOAT))
                if total is None:
                    total = f
                else:
                    s = fresh(base)
                    nodes.append(helper.make_node("Add", [total, f], [s]))
                    total = s
            sc = fresh(base)
            nodes.append(helper.make_node("Mul", [total, const(np.float32(a.get("out_scale", 1.0)),
                                                               base)], [sc]))
            nodes.append(helper.make_node("Add", [sc, const(np.float32(a.get("out_bias", 0.0)),
                                                            base)], [y]))
        else:
            raise ReferenceError(f"--lower: {node.domain}.{node.op_type} is not supported")
    del g.node[:]
    g.node.extend(nodes)
    keep = [o for o in m.opset_import if o.domain not in QONNX_DOMAINS]
    del m.opset_import[:]
    m.opset_import.extend(keep)
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run an ONNX/QONNX model with the numpy reference.")
    ap.add_argument("model")
    ap.add_argument("inputs", nargs="*", metavar="NPY")
    ap.add_argument("-o", dest="outputs", action="append", default=[], metavar="NPY")
    ap.add_argument("--lower", action="store_true",
                    help="write the model with the custom ops lowered to standard ONNX to -o "
                         "(the inputs fix the ranks)")
    args = ap.parse_args(argv)
    import onnx

    model = onnx.load(args.model)
    if args.lower:
        if len(args.outputs) != 1:
            ap.error("--lower takes MODEL, its inputs and one -o")
        ranks = value_ranks(model, [np.load(p) for p in args.inputs])
        onnx.save(lower_custom_ops(model, ranks), args.outputs[0])
        return 0
    try:
        outs = run_model(model, [np.load(p) for p in args.inputs])
    except ReferenceError as e:
        print(f"qonnx_reference: error: {e}", file=sys.stderr)
        return 1
    if len(args.outputs) != len(outs):
        ap.error(f"the model has {len(outs)} output(s), {len(args.outputs)} -o given")
    for path, v in zip(args.outputs, outs):
        np.save(path, v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
