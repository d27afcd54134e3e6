"""Writes a model that is one binary 3x3 conv and nothing else (Sign -> Conv 256->64 at 6x6, pad 1, with
+-1 weights from a fixed seed), so that every popcount in its object is the binary kernel's.
Used by kernel-inner-loop.test.

    python3 gen_binary_conv.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(8)
w = np.where(rng.standard_normal((64, 256, 3, 3)) >= 0, 1.0, -1.0).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("Sign", ["x"], ["s"], name="sign"),
     helper.make_node("Conv", ["s", "w"], ["y"], name="conv", pads=[1, 1, 1, 1],
                      kernel_shape=[3, 3])],
    "binary_conv",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 256, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64, 6, 6])],
    [numpy_helper.from_array(w, "w")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
