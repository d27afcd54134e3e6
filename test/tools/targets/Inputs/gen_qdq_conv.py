"""Writes a model that is one int8 QDQ conv and nothing else: QuantizeLinear (uint8, zero point
128) -> DequantizeLinear -> Conv 3x3 16->32 at 8x8 (pad 1) with DequantizeLinear'd int8 weights
(one scale per output channel, fixed seed). Used by kernel-inner-loop.test: on a target with an
int8 dot product its inner loop is that instruction.

    python3 gen_qdq_conv.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(9)
wq = rng.integers(-127, 128, size=(32, 16, 3, 3)).astype(np.int8)
ws = (rng.random(32) * 0.01 + 0.001).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("QuantizeLinear", ["x", "sx", "zx"], ["xq"], name="quant"),
     helper.make_node("DequantizeLinear", ["xq", "sx", "zx"], ["xd"], name="dequant"),
     helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], name="weights", axis=0),
     helper.make_node("Conv", ["xd", "w"], ["y"], name="conv", pads=[1, 1, 1, 1],
                      kernel_shape=[3, 3])],
    "qdq_conv",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32, 8, 8])],
    [numpy_helper.from_array(np.array(0.05, np.float32), "sx"),
     numpy_helper.from_array(np.array(128, np.uint8), "zx"),
     numpy_helper.from_array(wq, "wq"), numpy_helper.from_array(ws, "ws"),
     numpy_helper.from_array(np.zeros(32, np.int8), "wz")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
