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

# edmm_heap_1g: examples/edmm's heap enclave grows a 1 GiB heap on demand,
# uses every page, gives it all back, and VmRSS returns to its baseline
# (tests/edmm/edmm_heap.c). About 8 s in a RelWithDebInfo build and 11 s
# under ASan + UBSan (Debug) on 2 cores, so both builds run the full 1 GiB;
# it needs about 2.1 GiB of RAM (each page is mapped twice).
get_property(EDMM_HEAP_ENCLAVE GLOBAL PROPERTY SOFTSGX_EDMM_HEAP_ENCLAVE)
get_property(EDMM_HEAP_SIG GLOBAL PROPERTY SOFTSGX_EDMM_HEAP_SIG)
add_executable(edmm-heap-test edmm/edmm_heap.c)
target_link_libraries(edmm-heap-test PRIVATE edmm_host)
add_test(NAME edmm_heap_1g
  COMMAND $<TARGET_FILE:softsgx> run -- $<TARGET_FILE:edmm-heap-test>
          ${EDMM_HEAP_ENCLAVE} ${EDMM_HEAP_SIG} 1024)
# The EPC must hold the heap and the image (default: 128 MiB). Alone: it
# keeps a core busy for seconds, which timing-sensitive tests (signal
# delivery into running enclave code) do not tolerate beside them.
set_tests_properties(edmm_heap_1g PROPERTIES
  TIMEOUT 120 RUN_SERIAL TRUE
  ENVIRONMENT "${EDMM_ENV};SOFTSGX_EPC_SIZE=1100M")

# The three SGX2 examples, as `make demo` runs them.
add_test(NAME edmm_examples
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/demo-edmm.sh ${CMAKE_BINARY_DIR})
set(edmm_examples_env "SOFTSGX_PLATFORM=${CMAKE_CURRENT_BINARY_DIR}/edmm-examples-platform")
if(SOFTSGX_SANITIZE)
  list(APPEND edmm_examples_env "ASAN_OPTIONS=verify_asan_link_order=0")
endif()
set_tests_properties(edmm_examples PROPERTIES TIMEOUT 120
  ENVIRONMENT "${edmm_examples_env}")
