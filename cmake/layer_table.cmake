# One row of POLLCHECK_LAYER_TABLE ("layer | paths | uses"), read the same way by the build
# (CMakeLists.txt) and by the layer check (cmake/check_layers.cmake).
function(pollcheck_layer_row row out_layer out_paths out_uses)
  string(REPLACE "|" ";" cols "${row}")
  list(GET cols 0 layer)
  list(GET cols 1 where)
  list(GET cols 2 uses)
  string(STRIP "${layer}" layer)
  separate_arguments(where UNIX_COMMAND "${where}")
  separate_arguments(uses UNIX_COMMAND "${uses}")
  set(${out_layer} "${layer}" PARENT_SCOPE)
  set(${out_paths} "${where}" PARENT_SCOPE)
  set(${out_uses} "${uses}" PARENT_SCOPE)
endfunction()
