# The layering, checked: cmake -DSRC=<repo> -P tools/check_layers.cmake
#
# Layers from the bottom; a source may include its own layer and those below,
# never one above (tests and test helpers may reach anywhere):
#   0 analyzer/util/      numbers, status macros, UTF-8, digests, child processes
#   1 rules/              one file per op family: the FLOP rules
#   2 analyzer/load/      bytes -> ModelProto without payloads, graph order
#   3 analyzer/shapes/    dims and values of every tensor (ONNX's inference isolated)
#   4 analyzer/count/     the walker, attention and batch views
#   5 analyzer/training/  methods 1 and 2, per-op backward, hardware, configs
#   6 analyzer/report/    the renderers
#   7 analyzer/analyze.*  the facade: file -> Report
#   8 audit/              batch mode, gates, baselines
#   9 tools/              the command line
# The README's Layout section lists the same; the CMake libraries link the
# same way (CMakeLists.txt, of_layer).
set(layers "analyzer/util/" "rules/" "analyzer/load/" "analyzer/shapes/" "analyzer/count/"
           "analyzer/training/" "analyzer/report/" "analyzer/analyze" "audit/" "tools/")

function(layer_of path out)
  set(rank -1)
  set(i 0)
  foreach(prefix IN LISTS layers)
    string(FIND "${path}" "${prefix}" at)
    if(at EQUAL 0)
      set(rank ${i})
    endif()
    math(EXPR i "${i} + 1")
  endforeach()
  set(${out} ${rank} PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE sources RELATIVE ${SRC} ${SRC}/analyzer/*.h ${SRC}/analyzer/*.cc
     ${SRC}/rules/*.h ${SRC}/rules/*.cc ${SRC}/audit/*.h ${SRC}/audit/*.cc
     ${SRC}/tools/*.h ${SRC}/tools/*.cc)
set(violations 0)
set(checked 0)
foreach(file IN LISTS sources)
  if(file MATCHES "_test\\.cc$|_testing\\.(h|cc)$")
    continue()
  endif()
  layer_of("${file}" own)
  math(EXPR checked "${checked} + 1")
  file(STRINGS ${SRC}/${file} includes REGEX "^#include \"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" header "${line}")
    layer_of("${header}" theirs)
    if(theirs GREATER own)
      list(GET layers ${own} own_name)
      list(GET layers ${theirs} their_name)
      message("${file}: includes ${header}: ${own_name} may not use ${their_name}, a layer above it")
      math(EXPR violations "${violations} + 1")
    endif()
  endforeach()
endforeach()
if(violations GREATER 0)
  message(FATAL_ERROR "${violations} includes reach up a layer (in ${checked} files)")
endif()
message("layering: ${checked} files, every #include within its layer or below")
