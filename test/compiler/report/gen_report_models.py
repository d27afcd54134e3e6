#!/usr/bin/env python3
"""Writes the large models of the cost-report tests (random weights, fixed seeds).

    gen_report_models.py resnet50 OUT.onnx
    gen_report_models.py reactnet_a OUT.onnx

resnet50:   ResNet-50 (torchvision's layout, v1.5: the stride in the 3x3 conv of a bottleneck),
            224x224 input, float throughout: 4.09 G MACs.
reactnet_a: ReActNet-A's shape: a float 3x3/2 stem to 32 channels, then MobileNet-v1's 13
            blocks with every depthwise 3x3 replaced by a full binary 3x3 conv (C -> C, the
            block's stride) and a binary 1x1 conv (C -> C_out), each binary conv behind a Sign
            with a learnt per-channel shift (RSign), with +-alpha weights (Sign(W) * mean|W| per
            output channel), BatchNorm, a residual (AvgPool 2x2 when the block strides, the
            input twice when the 1x1 doubles the channels) and PReLU; global average pooling
            and a float 1024 -> 1000 classifier. ReActNet-A's BOPs are 4.82e9 and its FLOPs
            1.2e7 (ReActNet, table 3).

The models are only compiled to the binarize phase for the cost report, never run. Built with
onnx.helper and numpy (no torch needed); written into the build tree at test time.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    def __init__(self, name, seed):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.count = {}

    def fresh(self, base):
        self.count[base] = self.count.get(base, 0) + 1
        return f"{base}{self.count[base]}"

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    def node(self, op, inputs, name, **attrs):
        out = name + "/out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, **attrs))
        return out

    def conv(self, x, cin, cout, k, stride=1, pad=None, name="conv", weights=None, bias=False):
        pad = k // 2 if pad is None else pad
        if weights is None:
            std = np.sqrt(2.0 / (cin * k * k))
            weights = (self.rng.standard_normal((cout, cin, k, k)) * std).astype(np.float32)
        inputs = [x, self.const(name + ".weight", weights)]
        if bias:
            inputs.append(self.const(name + ".bias", self.rng.standard_normal(cout) * 0.01))
        return self.node("Conv", inputs, name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[pad] * 4)

    def bn(self, x, c, name):
        r = self.rng
        return self.node("BatchNormalization", [
            x,
            self.const(name + ".gamma", 1.0 + 0.1 * r.standard_normal(c)),
            self.const(name + ".beta", 0.1 * r.standard_normal(c)),
            self.const(name + ".mean", 0.1 * r.standard_normal(c)),
            self.const(name + ".var", 1.0 + 0.1 * np.abs(r.standard_normal(c))),
        ], name)

    def model(self, x_shape, y_name, y_shape):
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info(y_name, TensorProto.FLOAT, y_shape)], self.inits)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                 ir_version=8, producer_name="gen_report_models.py")


def resnet50():
    g = Graph("resnet50", 50)
    x = g.conv("input", 3, 64, 7, stride=2, name="conv1")
    x = g.node("Relu", [g.bn(x, 64, "bn1")], "relu")
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (blocks, width) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)], start=1):
        for b in range(blocks):
            p = f"layer{stage}.{b}"
            stride = 2 if b == 0 and stage > 1 else 1
            cout = width * 4
            h = g.node("Relu", [g.bn(g.conv(x, cin, width, 1, name=p + ".conv1"), width, p + ".bn1")], p + ".relu1")
            h = g.node("Relu", [g.bn(g.conv(h, width, width, 3, stride, name=p + ".conv2"), width, p + ".bn2")], p + ".relu2")
            h = g.bn(g.conv(h, width, cout, 1, name=p + ".conv3"), cout, p + ".bn3")
            if b == 0:
                x = g.bn(g.conv(x, cin, cout, 1, stride, name=p + ".downsample.0"), cout, p + ".downsample.1")
            x = g.node("Relu", [g.node("Add", [h, x], p + ".add")], p + ".relu3")
            cin = cout
    x = g.node("GlobalAveragePool", [x], "avgpool")
    x = g.node("Flatten", [x], "flatten")
    w = (g.rng.standard_normal((1000, 2048)) * 0.01).astype(np.float32)
    y = g.node("Gemm", [x, g.const("fc.weight", w), g.const("fc.bias", np.zeros(1000))], "fc", transB=1)
    return g.model([1, 3, 224, 224], y, [1, 1000])


def reactnet_a():
    g = Graph("reactnet_a", 7)

    def binary_conv(x, cin, cout, k, stride, name):
        # RSign: Sign(x - shift) with a per-channel shift; weights Sign(W) * mean|W|.
        shift = g.const(name + ".shift", 0.05 * g.rng.standard_normal((1, cin, 1, 1)))
        s = g.node("Sign", [g.node("Sub", [x, shift], name + ".rsign_sub")], name + ".rsign")
        w = g.rng.standard_normal((cout, cin, k, k)).astype(np.float32)
        alpha = np.abs(w).mean(axis=(1, 2, 3), keepdims=True)
        return g.conv(s, cin, cout, k, stride, name=name, weights=(np.sign(w) * alpha).astype(np.float32))

    def prelu(x, c, name):
        return g.node("PRelu", [x, g.const(name + ".slope", np.full((c, 1, 1), 0.25))], name)

    x = g.conv("input", 3, 32, 3, stride=2, name="stem")
    x = g.bn(x, 32, "stem.bn")
    blocks = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)]
    blocks += [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
    for i, (cin, cout, stride) in enumerate(blocks):
        p = f"block{i}"
        # 3x3, C -> C
        h = g.bn(binary_conv(x, cin, cin, 3, stride, p + ".conv3x3"), cin, p + ".bn1")
        short = x
        if stride == 2:
            short = g.node("AveragePool", [x], p + ".pool", kernel_shape=[2, 2], strides=[2, 2])
        x = prelu(g.node("Add", [h, short], p + ".add1"), cin, p + ".prelu1")
        # 1x1, C -> C_out
        h = g.bn(binary_conv(x, cin, cout, 1, 1, p + ".conv1x1"), cout, p + ".bn2")
        short = x if cout == cin else g.node("Concat", [x, x], p + ".dup", axis=1)
        x = prelu(g.node("Add", [h, short], p + ".add2"), cout, p + ".prelu2")
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x], "pool")], "flatten")
    w = (g.rng.standard_normal((1000, 1024)) * 0.01).astype(np.float32)
    y = g.node("Gemm", [x, g.const("fc.weight", w), g.const("fc.bias", np.zeros(1000))], "fc", transB=1)
    return g.model([1, 3, 224, 224], y, [1, 1000])


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("resnet50", "reactnet_a"):
        sys.exit(__doc__)
    model = {"resnet50": resnet50, "reactnet_a": reactnet_a}[sys.argv[1]]()
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])


if __name__ == "__main__":
    main()
