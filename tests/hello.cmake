# The hello example end to end: an unmodified host under `softsgx run`.
get_property(HELLO_ENCLAVE GLOBAL PROPERTY SOFTSGX_HELLO_ENCLAVE)
get_property(HELLO_SIG GLOBAL PROPERTY SOFTSGX_HELLO_SIG)
if(TARGET hello-host AND HELLO_SIG)
  add_test(NAME hello_run
    COMMAND $<TARGET_FILE:softsgx> run $<TARGET_FILE:hello-host>
            ${HELLO_ENCLAVE} ${HELLO_SIG} 1000)
  set(hello_env "SOFTSGX_PLATFORM=${CMAKE_CURRENT_BINARY_DIR}/hello-platform")
  if(SOFTSGX_SANITIZE)
    list(APPEND hello_env "ASAN_OPTIONS=verify_asan_link_order=0")
  endif()
  set_tests_properties(hello_run PROPERTIES TIMEOUT 60
    ENVIRONMENT "${hello_env}"
    PASS_REGULAR_EXPRESSION "40 \\+ 1000 = 1040 \\(call 1000\\)")
endif()
