# The policy layer (src/lsm).
#
# Unit tests tests/unit/test_lsm_*.c (made executables by tests/CMakeLists.txt)
# get the driver fixtures (unit/drvtest.c), signing and the policy corpus in
# tests/lsm/; they run with SOFTSGX_POLICY=none and put their own policies in
# force. CLI tests tests/lsm/lsm_*.sh run `softsgx policy`, `softsgx audit`
# and `softsgx run` of the hello host under policies.
file(GLOB LSM_UNIT_TESTS CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_lsm_*.c)
foreach(src ${LSM_UNIT_TESTS})
  get_filename_component(name ${src} NAME_WE)
  if(NOT TARGET ${name})
    continue()
  endif()
  target_sources(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit/drvtest.c)
  target_link_libraries(${name} PRIVATE softsgx_lsm)
  if(TARGET softsgx_sign)
    target_link_libraries(${name} PRIVATE softsgx_sign)
    target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tools)
    target_compile_definitions(${name} PRIVATE SOFTSGX_HAVE_SIGN=1)
  endif()
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT
    "SOFTSGX_LSM_CORPUS=${CMAKE_CURRENT_SOURCE_DIR}/lsm;SOFTSGX_POLICY=none")
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endforeach()

get_property(SOFTSGX_HELLO_ENCLAVE GLOBAL PROPERTY SOFTSGX_HELLO_ENCLAVE)
get_property(SOFTSGX_HELLO_SIG GLOBAL PROPERTY SOFTSGX_HELLO_SIG)
set(LSM_HELLO_HOST "")
if(TARGET hello-host)
  set(LSM_HELLO_HOST $<TARGET_FILE:hello-host>)
endif()
file(GLOB LSM_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/lsm/lsm_*.sh)
foreach(script ${LSM_CLI_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME ${name} COMMAND bash ${script})
  set_tests_properties(${name} PROPERTIES
    SKIP_RETURN_CODE 77 TIMEOUT 300
    ENVIRONMENT "SOFTSGX=$<TARGET_FILE:softsgx>;LSM_CORPUS=${CMAKE_CURRENT_SOURCE_DIR}/lsm;HELLO_ENCLAVE=${SOFTSGX_HELLO_ENCLAVE};HELLO_SIG=${SOFTSGX_HELLO_SIG};HELLO_HOST=${LSM_HELLO_HOST};TEST_TMPDIR=${CMAKE_CURRENT_BINARY_DIR}/lsm/${name};SOFTSGX_POLICY=none")
endforeach()

# The policy benchmark, also runnable alone (bench/bench_lsm.c); a quick
# run of it is a test, so that it cannot rot.
if(EXISTS ${CMAKE_SOURCE_DIR}/bench/bench_lsm.c)
  add_executable(softsgx-bench-lsm ${CMAKE_SOURCE_DIR}/bench/bench_lsm.c)
  target_compile_definitions(softsgx-bench-lsm PRIVATE
    SOFTSGX_BENCH_LSM_MAIN=1)
  target_include_directories(softsgx-bench-lsm PRIVATE
    ${CMAKE_SOURCE_DIR}/bench)
  target_link_libraries(softsgx-bench-lsm PRIVATE softsgx_lsm)
  add_test(NAME bench_lsm_quick COMMAND softsgx-bench-lsm --quick)
  set_tests_properties(bench_lsm_quick PROPERTIES
    ENVIRONMENT "SOFTSGX_POLICY=none")
endif()

# A page that appears under a mapping made before it (map first, add later)
# is still subject to the policy.
add_executable(lsm_map_first ${CMAKE_CURRENT_SOURCE_DIR}/lsm/map_first.c)
add_test(NAME lsm_map_first
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/lsm/map_first_run.sh)
set(lsm_map_first_env
  "SOFTSGX=$<TARGET_FILE:softsgx>;MAP_FIRST=$<TARGET_FILE:lsm_map_first>;TEST_TMPDIR=${CMAKE_CURRENT_BINARY_DIR}/lsm/lsm_map_first")
if(SOFTSGX_SANITIZE)
  list(APPEND lsm_map_first_env "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0")
endif()
set_tests_properties(lsm_map_first PROPERTIES TIMEOUT 60
  ENVIRONMENT "${lsm_map_first_env}")
