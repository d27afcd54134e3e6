# -*- Python -*-
# lit configuration for bnnc: FileCheck tests of the dialect, passes, importer and driver, the
# end-to-end model tests and the ONNX backend node tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "bnnc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bnnc_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs", "runtime", "reference"]

config.environment["BNNC_RUNTIME_DIR"] = config.bnnc_runtime_dir
# A sanitized build (scripts/sanitize.sh) also checks the model programs it links for this
# machine: the runtime and harness compiled with the same sanitizers.
if config.bnnc_sanitizer:
    config.environment["BNNC_HOST_CFLAGS"] = (
        "-fsanitize=address,undefined -fno-sanitize-recover=all -g")
    config.available_features.add("sanitized")
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.substitutions.append(("%bnnc_opt", os.path.join(config.bnnc_tools_dir, "bnnc-opt")))
config.substitutions.append(("%bnnc", os.path.join(config.bnnc_tools_dir, "bnnc")))
config.substitutions.append(("%python", config.python_debian))
config.substitutions.append(("%node", config.node_executable))
config.substitutions.append(("%ort_runner", os.path.join(config.bnnc_src_root, "test", "reference", "run_ort.js")))
config.substitutions.append(("%e2e_models", config.e2e_models_dir))
config.substitutions.append(("%e2e_binarizers", config.e2e_binarizers_dir))
config.substitutions.append(("%onnx_testdata", config.onnx_testdata_dir))
config.substitutions.append(("%src_root", config.bnnc_src_root))
llvm_config.add_tool_substitutions(["bnnc-opt", "bnnc-fuzz", "bnnc"], [config.bnnc_tools_dir])
