"""Writes the adversarial graphs of adversarial-graphs.test: a long element-wise chain and a
wide concatenation, the shapes that made binarizer recognition and bufferization take minutes
(docs/fuzzing.md).

    gen_adversarial.py deep OUT.onnx N    N pairs of Relu + Add, each reading the previous value
    gen_adversarial.py wide OUT.onnx N    a Concat of N distinct Adds
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    kind, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    nodes, inits = [], []
    if kind == "deep":
        prev = "x"
        for i in range(n):
            nodes.append(helper.make_node("Relu", [prev], [f"r{i}"]))
            nodes.append(helper.make_node("Add", [f"r{i}", prev], [f"a{i}"]))
            prev = f"a{i}"
        outputs = [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, 64])]
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])]
    else:
        for i in range(n):
            inits.append(numpy_helper.from_array(np.full([1, 8], float(i), np.float32), f"c{i}"))
            nodes.append(helper.make_node("Add", ["x", f"c{i}"], [f"r{i}"]))
        nodes.append(helper.make_node("Concat", [f"r{i}" for i in range(n)], ["y"], axis=1))
        outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8 * n])]
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])]
    graph = helper.make_graph(nodes, kind, inputs, outputs, initializer=inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)


if __name__ == "__main__":
    main()
