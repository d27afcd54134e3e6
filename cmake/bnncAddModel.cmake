# bnnc_add_model(<target> MODEL <file.onnx>
#                [TARGET <x86_64|aarch64|armv7|riscv64|riscv64-rvv|triple>]
#                [NAME <c_identifier>] [MCPU <cpu>] [MATTR <features>]
#                [OUTPUT_DIR <dir>] [ARGS <extra bnnc arguments>...])
#
# Compiles MODEL with bnnc at build time into OUTPUT_DIR/NAME.o and OUTPUT_DIR/NAME.h (default
# OUTPUT_DIR: the current binary dir; NAME: the model file's stem as a C identifier), links the
# object (and libm) into <target> and adds OUTPUT_DIR and the runtime's include folder to its
# include path. The header declares `void NAME(const float *in0, ..., float *out0, ...)` and the
# tensor sizes (NAME_INPUT0_SIZE, ...); see docs/targets.md.
#
# TARGET defaults to the architecture CMake builds for (CMAKE_SYSTEM_PROCESSOR, which a cross
# toolchain file sets): x86_64, aarch64, armv7 or riscv64, else CMAKE_C_COMPILER_TARGET.

function(_bnnc_default_target out)
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" proc)
  if(proc MATCHES "^(x86_64|amd64)$")
    set(t x86_64)
  elseif(proc MATCHES "^(aarch64|arm64)$")
    set(t aarch64)
  elseif(proc MATCHES "^(armv7.*|arm)$")
    set(t armv7)
  elseif(proc STREQUAL "riscv64")
    set(t riscv64)
  elseif(CMAKE_C_COMPILER_TARGET)
    set(t "${CMAKE_C_COMPILER_TARGET}")
  elseif(CMAKE_CXX_COMPILER_TARGET)
    set(t "${CMAKE_CXX_COMPILER_TARGET}")
  else()
    message(FATAL_ERROR "bnnc_add_model: cannot tell the target from CMAKE_SYSTEM_PROCESSOR "
                        "'${CMAKE_SYSTEM_PROCESSOR}'; pass TARGET")
  endif()
  set(${out} "${t}" PARENT_SCOPE)
endfunction()

function(bnnc_add_model target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;TARGET;NAME;MCPU;MATTR;OUTPUT_DIR" "ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "bnnc_add_model: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "bnnc_add_model: '${target}' is not a target")
  endif()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "bnnc_add_model: MODEL is required")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(ARG_NAME)
    set(name "${ARG_NAME}")
  else()
    get_filename_component(stem "${model}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${stem}" name)
  endif()
  if(ARG_TARGET)
    set(arch "${ARG_TARGET}")
  else()
    _bnnc_default_target(arch)
  endif()
  if(ARG_OUTPUT_DIR)
    get_filename_component(dir "${ARG_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  get_property(bnnc GLOBAL PROPERTY BNNC_EXECUTABLE)
  get_property(runtime_include GLOBAL PROPERTY BNNC_RUNTIME_INCLUDE_DIR)
  set(obj "${dir}/${name}.o")
  set(hdr "${dir}/${name}.h")

  set(args "${model}" "-target=${arch}" "-name=${name}" "-o" "${obj}")
  if(ARG_MCPU)
    list(APPEND args "-mcpu=${ARG_MCPU}")
  endif()
  if(ARG_MATTR)
    list(APPEND args "-mattr=${ARG_MATTR}")
  endif()
  list(APPEND args ${ARG_ARGS})

  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${obj}" "${hdr}"
    COMMAND "${bnnc}" ${args}
    DEPENDS "${model}" "${bnnc}"
    COMMENT "bnnc: compiling ${name} (${arch})"
    VERBATIM)
  set_source_files_properties("${obj}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  set_source_files_properties("${hdr}" PROPERTIES GENERATED TRUE HEADER_FILE_ONLY TRUE)
  target_sources(${target} PRIVATE "${obj}" "${hdr}")
  target_include_directories(${target} PUBLIC "${dir}" "${runtime_include}")
  # The model calls libm (expf, ...). Set as a property so that either target_link_libraries
  # signature stays usable on <target>.
  if(UNIX AND NOT APPLE)
    get_target_property(type ${target} TYPE)
    set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES m)
    if(type STREQUAL "STATIC_LIBRARY")
      set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES "$<LINK_ONLY:m>")
    endif()
  endif()
endfunction()
