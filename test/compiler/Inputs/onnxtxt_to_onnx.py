"""Converts an ONNX text-format model (.onnxtxt) to a binary .onnx for the lit tests.

    onnxtxt_to_onnx.py IN.onnxtxt OUT.onnx [--name INDEX=NAME ...] [--truncate N]

The text format of the ONNX version bnnc builds against has no syntax for node names, so
--name gives node INDEX (in graph order) a name. --truncate keeps only the first N bytes of the
serialized model (a negative N drops that many bytes from the end), to test the reader on a
damaged file.
"""
import argparse

import onnx
import onnx.parser


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--name", action="append", default=[], metavar="INDEX=NAME")
    parser.add_argument("--truncate", type=int, default=None, metavar="N")
    args = parser.parse_args()

    with open(args.input) as f:
        model = onnx.parser.parse_model(f.read())
    for spec in args.name:
        index, name = spec.split("=", 1)
        model.graph.node[int(index)].name = name
    data = model.SerializeToString()
    if args.truncate is not None:
        data = data[: args.truncate]
    with open(args.output, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
