# Integration tests: a test enclave (tests/enclaves/testenc) and host
# programs (tests/integration) written for the in-kernel SGX driver, each
# run under `softsgx run` as one CTest test.
#
# The enclave is built twice, A and B, differing only in one constant
# (variant_*.c), so that they measure differently; both are signed at build
# time with one key made for this build tree, with MISCSELECT unenforced
# (--misc-mask 0) so that hosts may create them with or without EXINFO.

if(NOT COMMAND softsgx_add_enclave OR NOT TARGET softsgx OR
   NOT TARGET softsgx_image)
  message(STATUS "integration tests: enclave tooling missing, skipped")
  return()
endif()

# softsgx_add_enclave() reads SOFTSGX_ENCLAVE_CFLAGS from the caller's
# scope, and examples/ sets it in its own: fetch it from there.
if(NOT SOFTSGX_ENCLAVE_CFLAGS)
  get_directory_property(SOFTSGX_ENCLAVE_CFLAGS
    DIRECTORY ${PROJECT_SOURCE_DIR}/examples DEFINITION SOFTSGX_ENCLAVE_CFLAGS)
endif()
if(NOT SOFTSGX_ENCLAVE_CFLAGS)
  message(FATAL_ERROR "integration tests: SOFTSGX_ENCLAVE_CFLAGS unknown")
endif()

set(TESTENC_SRC enclaves/testenc)
set(TESTENC_KEY ${CMAKE_CURRENT_BINARY_DIR}/testenc-key.pem)
add_custom_command(OUTPUT ${TESTENC_KEY}
  COMMAND $<TARGET_FILE:softsgx> keygen --force -o ${TESTENC_KEY}
  DEPENDS softsgx
  COMMENT "Creating the test enclave signing key" VERBATIM)
# One target owns the key, or each signing target would make its own.
add_custom_target(testenc_key DEPENDS ${TESTENC_KEY})

foreach(variant a b)
  set(image ${CMAKE_CURRENT_BINARY_DIR}/testenc_${variant}.so)
  set(sig ${image}.sig)
  softsgx_add_enclave(testenc_${variant} ${image} ${TESTENC_SRC}/enclave.lds
    ${TESTENC_SRC}/entry.S ${TESTENC_SRC}/sites.S ${TESTENC_SRC}/enclave.c
    ${TESTENC_SRC}/variant_${variant}.c)
  add_custom_command(OUTPUT ${sig}
    COMMAND $<TARGET_FILE:softsgx> sign --key ${TESTENC_KEY} --misc-mask 0
            ${image} -o ${sig}
    DEPENDS ${TESTENC_KEY} ${image} softsgx
    COMMENT "Signing test enclave ${variant}" VERBATIM)
  add_custom_target(testenc_${variant}_sig ALL DEPENDS ${sig})
  add_dependencies(testenc_${variant}_sig testenc_key)
  string(TOUPPER ${variant} V)
  set(TESTENC_${V} ${image})
  set(TESTENC_${V}_SIG ${sig})
endforeach()

# The hosts' shared loader, vDSO lookup and entry code.
add_library(testhost STATIC integration/testhost.c integration/enter.S)
target_include_directories(testhost PUBLIC
  ${CMAKE_CURRENT_SOURCE_DIR}/${TESTENC_SRC}
  ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_link_libraries(testhost PUBLIC softsgx_image Threads::Threads)

# Tests never touch the user's platform (docs/platform.md): a throw-away
# one in the build tree.
set(TESTENC_ENV "SOFTSGX_PLATFORM=${CMAKE_CURRENT_BINARY_DIR}/integration/platform")
if(SOFTSGX_SANITIZE)
  # libsoftsgx.so is preloaded before the ASan runtime.
  # exitcode=86: children's sanitizer reports are told from check
  # failures (testhost.h TH_SANITIZER_EXIT).
  list(APPEND TESTENC_ENV "ASAN_OPTIONS=verify_asan_link_order=0:exitcode=86")
endif()

# integration_host(NAME [LIBS...]): builds integration/NAME.c into
# tests/integration/it_NAME.
function(integration_host name)
  add_executable(it_${name} integration/${name}.c)
  target_link_libraries(it_${name} PRIVATE testhost ${ARGN})
  add_dependencies(it_${name} testenc_a_sig testenc_b_sig)
  set_target_properties(it_${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/integration)
endfunction()

# integration_altstack(TEST): TEST again with a program that has its own
# sigaltstack (TH_ALTSTACK=1, testhost.h th_init()).
function(integration_altstack test)
  get_test_property(integration_${test} ENVIRONMENT env)
  add_test(NAME integration_${test}_altstack
    COMMAND $<TARGET_FILE:softsgx> run -- $<TARGET_FILE:it_${test}>
            ${TESTENC_A} ${TESTENC_A_SIG})
  set_tests_properties(integration_${test}_altstack PROPERTIES
    TIMEOUT 120 SKIP_RETURN_CODE 77 ENVIRONMENT "${env};TH_ALTSTACK=1")
endfunction()

# integration_test(TEST HOST ARGS...): run HOST under softsgx run.
function(integration_test test host)
  add_test(NAME integration_${test}
    COMMAND $<TARGET_FILE:softsgx> run -- $<TARGET_FILE:it_${host}> ${ARGN})
  # An enclave that cannot be torn down says so on stderr: never expected.
  set_tests_properties(integration_${test} PROPERTIES
    TIMEOUT 120 SKIP_RETURN_CODE 77 ENVIRONMENT "${TESTENC_ENV}"
    FAIL_REGULAR_EXPRESSION "EREMOVE failed")
endfunction()

integration_host(faults)
integration_test(faults faults ${TESTENC_A} ${TESTENC_A_SIG})
integration_altstack(faults)

integration_host(user_handler)
integration_test(user_handler user_handler ${TESTENC_A} ${TESTENC_A_SIG})
integration_altstack(user_handler)

integration_host(sigalrm)
integration_test(sigalrm sigalrm ${TESTENC_A} ${TESTENC_A_SIG} 10000)
integration_altstack(sigalrm)

integration_host(threads)
integration_test(threads threads ${TESTENC_A} ${TESTENC_A_SIG})

integration_host(lifecycle)
integration_test(lifecycle lifecycle ${TESTENC_A} ${TESTENC_A_SIG})

# Enclaves shared across fork() and inherited across execve(). Case 7
# builds 200 enclaves, one at a time, in an EPC that holds about three of
# the test enclave (SOFTSGX_EPC_SIZE), so that any EPC left charged after
# an enclave's last user is gone fails it with ENOMEM; nothing may report
# a failed EREMOVE, in any process.
integration_host(fork_share)
integration_test(fork_share fork_share ${TESTENC_A} ${TESTENC_A_SIG})
set_tests_properties(integration_fork_share PROPERTIES TIMEOUT 600
  ENVIRONMENT "${TESTENC_ENV};SOFTSGX_EPC_SIZE=1400K"
  FAIL_REGULAR_EXPRESSION "EREMOVE failed;leaking")

# The same as an ordinary user (nobody, when the suite runs as root), with
# a platform of its own.
set(UNPRIV_ENV ${TESTENC_ENV})
list(FILTER UNPRIV_ENV EXCLUDE REGEX "^SOFTSGX_PLATFORM=")
foreach(host fork_share lifecycle)
  add_test(NAME integration_${host}_unprivileged
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/unprivileged.sh
            ${CMAKE_CURRENT_BINARY_DIR}/integration/unpriv_${host}
            $<TARGET_FILE:softsgx> run -- $<TARGET_FILE:it_${host}>
            ${TESTENC_A} ${TESTENC_A_SIG})
  set_tests_properties(integration_${host}_unprivileged PROPERTIES
    TIMEOUT 600 SKIP_RETURN_CODE 77
    ENVIRONMENT "${UNPRIV_ENV};SOFTSGX_EPC_SIZE=1400K"
    FAIL_REGULAR_EXPRESSION "EREMOVE failed")
endforeach()

integration_host(raw)
integration_test(raw raw ${TESTENC_A} ${TESTENC_A_SIG})
integration_altstack(raw)

integration_host(two_phase)
integration_test(two_phase two_phase ${TESTENC_A} ${TESTENC_A_SIG})

# Seal keys across runs, enclaves and platforms: a script runs it_keys.
integration_host(keys OpenSSL::Crypto)
add_test(NAME integration_seal_keys
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/seal_keys.sh
          $<TARGET_FILE:softsgx> $<TARGET_FILE:it_keys>
          ${TESTENC_A} ${TESTENC_A_SIG} ${TESTENC_B} ${TESTENC_B_SIG}
          ${CMAKE_CURRENT_BINARY_DIR}/integration/seal_keys)
set_tests_properties(integration_seal_keys PROPERTIES
  TIMEOUT 120 SKIP_RETURN_CODE 77 ENVIRONMENT "${TESTENC_ENV}")

# Not a test: `make bench` (scripts/bench.sh) runs
# tests/integration/bench_ecall under softsgx run, with these defaults.
add_executable(bench_ecall integration/bench_ecall.c)
target_link_libraries(bench_ecall PRIVATE testhost)
target_compile_definitions(bench_ecall PRIVATE
  TESTENC_IMAGE="${TESTENC_A}" TESTENC_SIG="${TESTENC_A_SIG}")
add_dependencies(bench_ecall testenc_a_sig)
set_target_properties(bench_ecall PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/integration)

# Known softsgx bugs (tests/integration/testhost.h, enum th_bug). The tests
# above report each as "KNOWN BUG <name>" and end skipped (77) rather than
# failed. Each integration_xfail_<name> reproduces one: it runs a host with
# TH_STRICT=<name> and passes while that bug is still there (its output has
# "FAIL <name>:"). When one starts to fail, the bug is fixed: delete its
# line here.
function(integration_xfail bug host)
  add_test(NAME integration_xfail_${bug}
    COMMAND $<TARGET_FILE:softsgx> run -- $<TARGET_FILE:it_${host}>
            ${TESTENC_A} ${TESTENC_A_SIG})
  set_tests_properties(integration_xfail_${bug} PROPERTIES
    TIMEOUT 120 ENVIRONMENT "${TESTENC_ENV};TH_STRICT=${bug}"
    PASS_REGULAR_EXPRESSION "FAIL ${bug}:")
endfunction()
