# CPUID emulation (src/shim/cpuid.h): test_cpuid links softsgx_cpuid and
# dlopens two probe libraries, one with a symbol table and one stripped.
if(NOT TARGET softsgx_cpuid)
  include(${CMAKE_SOURCE_DIR}/src/shim/cpuid.cmake)
endif()

foreach(probe cpuid_probe cpuid_probe_stripped)
  add_library(${probe} MODULE ${CMAKE_CURRENT_LIST_DIR}/unit/cpuid_probe.c)
endforeach()
target_link_options(cpuid_probe_stripped PRIVATE -s)

target_link_libraries(test_cpuid PRIVATE softsgx_cpuid)
target_compile_definitions(test_cpuid PRIVATE
  CPUID_PROBE="$<TARGET_FILE:cpuid_probe>"
  CPUID_PROBE_STRIPPED="$<TARGET_FILE:cpuid_probe_stripped>")
add_dependencies(test_cpuid cpuid_probe cpuid_probe_stripped)
