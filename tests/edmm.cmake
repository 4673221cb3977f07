# SGX2 / EDMM end to end (tests/edmm/, examples/edmm/): ordinary SGX hosts
# under `softsgx run`. edmm_<group> run the canonical SGX2 sequences and
# the wrong orders step by step (tests/edmm/edmm_test.c).

if(NOT COMMAND edmm_add_enclave OR NOT TARGET edmm_host OR
   NOT TARGET softsgx_shim)
  message(STATUS "EDMM tests: examples/edmm or the shim missing, skipped")
  return()
endif()
if(NOT SOFTSGX_ENCLAVE_CFLAGS)
  get_directory_property(SOFTSGX_ENCLAVE_CFLAGS
    DIRECTORY ${PROJECT_SOURCE_DIR}/examples DEFINITION SOFTSGX_ENCLAVE_CFLAGS)
endif()

set(EDMM_TEST_DIR ${CMAKE_CURRENT_BINARY_DIR}/edmm)
set(SOFTSGX_ENCLAVE_CFLAGS ${SOFTSGX_ENCLAVE_CFLAGS}
    -I${CMAKE_CURRENT_SOURCE_DIR}/edmm)
edmm_add_enclave(edmm_testenc edmm/enclave.c)
set(EDMM_TESTENC ${CMAKE_CURRENT_BINARY_DIR}/edmm_testenc.enclave.so)
set(EDMM_TESTENC_SIG ${CMAKE_CURRENT_BINARY_DIR}/edmm_testenc.enclave.sig)

add_executable(edmm-test edmm/edmm_test.c edmm/edmm_seq.c
  edmm/edmm_wrong.c edmm/edmm_threads.c)
target_include_directories(edmm-test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/edmm)
target_link_libraries(edmm-test PRIVATE edmm_host Threads::Threads)

# A throw-away platform in the build tree, never the user's.
set(EDMM_ENV "SOFTSGX_PLATFORM=${EDMM_TEST_DIR}/platform")
if(SOFTSGX_SANITIZE)
  list(APPEND EDMM_ENV "ASAN_OPTIONS=verify_asan_link_order=0")
endif()

# One test per group of tests/edmm/edmm_test.c, so that a failure names
# the sequence it is in.
foreach(group add pending copy extend restrict tcs trim mismatch ioctl_args
        ioctl_order tracking parallel)
  add_test(NAME edmm_${group}
    COMMAND $<TARGET_FILE:softsgx> run -- $<TARGET_FILE:edmm-test>
            ${EDMM_TESTENC} ${EDMM_TESTENC_SIG} ${group})
  set_tests_properties(edmm_${group} PROPERTIES
    TIMEOUT 60 ENVIRONMENT "${EDMM_ENV}")
endforeach()
