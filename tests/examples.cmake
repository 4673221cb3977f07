# Tests of the example programs (examples/, README.md in each directory).
#
# examples_*: every tests/examples/examples_*.sh runs one example's host
# under `softsgx run` and checks what it shows. Each test has its own
# scratch directory and its own emulated platform file in the build tree,
# so tests never touch the user's platform (docs/platform.md).
#
# example_crypto_*: the crypto the enclaves carry (example code, written
# from RFC 8439, FIPS 197 and RFC 4493), compiled for the host and checked
# against the documents' test vectors and against OpenSSL.

if(NOT TARGET seal-host OR NOT TARGET attest-host OR NOT TARGET hello-host)
  return()
endif()

set(EXAMPLE_TEST_ENV
  "SOFTSGX=$<TARGET_FILE:softsgx>"
  "HELLO_HOST=$<TARGET_FILE:hello-host>"
  "SEAL_HOST=$<TARGET_FILE:seal-host>"
  "ATTEST_HOST=$<TARGET_FILE:attest-host>")
if(SOFTSGX_SANITIZE)
  # libsoftsgx is preloaded ahead of the ASan runtime.
  list(APPEND EXAMPLE_TEST_ENV "ASAN_OPTIONS=verify_asan_link_order=0")
endif()

file(GLOB EXAMPLE_TEST_SCRIPTS CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/examples/examples_*.sh)
foreach(script ${EXAMPLE_TEST_SCRIPTS})
  get_filename_component(name ${script} NAME_WE)
  set(tmp ${CMAKE_CURRENT_BINARY_DIR}/examples/${name})
  add_test(NAME ${name} COMMAND bash ${script})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT 300
    ENVIRONMENT "${EXAMPLE_TEST_ENV};TEST_TMPDIR=${tmp};SOFTSGX_PLATFORM=${tmp}/platform")
endforeach()

set(EXAMPLE_CRYPTO_chacha20poly1305 ${PROJECT_SOURCE_DIR}/examples/seal/chacha20poly1305.c)
set(EXAMPLE_CRYPTO_aes_cmac ${PROJECT_SOURCE_DIR}/examples/attest/aes_cmac.c)
foreach(name chacha20poly1305 aes_cmac)
  set(target example_test_${name})
  add_executable(${target} ${CMAKE_CURRENT_SOURCE_DIR}/examples/test_${name}.c
                 ${EXAMPLE_CRYPTO_${name}})
  target_include_directories(${target} PRIVATE
    ${PROJECT_SOURCE_DIR}/examples ${CMAKE_CURRENT_SOURCE_DIR}/examples)
  target_link_libraries(${target} PRIVATE PkgConfig::CMOCKA OpenSSL::Crypto)
  add_test(NAME example_crypto_${name} COMMAND ${target})
endforeach()
