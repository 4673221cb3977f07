# Tests of the softsgx command and its libraries (tools/).
#
# CLI tests: every tests/tools/tools_*.sh is one CTest test of the same name,
# run with bash; exit status 77 means "skipped" (public vectors or the
# example enclaves absent).

# The CLI tests sign the example enclave. If the top level has not added
# examples/ before tests/, add it here (examples/CMakeLists.txt has an
# include guard, so a later add_subdirectory(examples) is harmless).
if(NOT TARGET hello_enclave AND EXISTS ${PROJECT_SOURCE_DIR}/examples/CMakeLists.txt)
  add_subdirectory(${PROJECT_SOURCE_DIR}/examples
                   ${CMAKE_CURRENT_BINARY_DIR}/examples)
endif()
get_property(SOFTSGX_HELLO_ENCLAVE GLOBAL PROPERTY SOFTSGX_HELLO_ENCLAVE)

file(GLOB TOOLS_TEST_SCRIPTS CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/tools/tools_*.sh)
foreach(script ${TOOLS_TEST_SCRIPTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME ${name} COMMAND bash ${script})
  set_tests_properties(${name} PROPERTIES
    SKIP_RETURN_CODE 77
    ENVIRONMENT "SOFTSGX=$<TARGET_FILE:softsgx>;SOFTSGX_VECTORS=${SOFTSGX_VECTORS};HELLO_ENCLAVE=${SOFTSGX_HELLO_ENCLAVE};TEST_TMPDIR=${CMAKE_CURRENT_BINARY_DIR}/tools/${name}")
endforeach()

# Unit tests of the libraries (tests/unit/test_sign.c, test_image.c).
if(TARGET test_sign)
  target_link_libraries(test_sign PRIVATE softsgx_sign)
endif()
if(TARGET test_image)
  target_link_libraries(test_image PRIVATE softsgx_image)
  set_property(TEST test_image APPEND PROPERTY
    ENVIRONMENT "HELLO_ENCLAVE=${SOFTSGX_HELLO_ENCLAVE}")
  set_tests_properties(test_image PROPERTIES SKIP_RETURN_CODE 77)
endif()
