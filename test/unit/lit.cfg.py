# -*- Python -*-
# The GoogleTest binaries (runtime, compiler math) as part of the lit suite: every test case is
# reported as one lit test.
import os

import lit.formats

config.name = "bnnc-unit"
config.test_format = lit.formats.GoogleTest(".", "-tests")
config.test_source_root = config.bnnc_unit_dir
config.test_exec_root = config.bnnc_unit_dir
config.suffixes = []
