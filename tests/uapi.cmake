# The uapi through the real libc entry points (tests/uapi/): ordinary SGX
# host programs run under `softsgx run`, as a user runs them. Each prints
# one PASS/FAIL/SKIP line per check and exits non-zero on any failure
# (77: the whole test could not run here).

if(NOT TARGET softsgx_shim OR NOT TARGET softsgx OR NOT TARGET softsgx_image)
  message(STATUS "uapi tests: softsgx run, libsoftsgx.so or softsgx_image missing; not added")
  return()
endif()
if(NOT TARGET hello_enclave AND EXISTS ${PROJECT_SOURCE_DIR}/examples/CMakeLists.txt)
  add_subdirectory(${PROJECT_SOURCE_DIR}/examples
                   ${CMAKE_CURRENT_BINARY_DIR}/examples)
endif()
get_property(UAPI_HELLO GLOBAL PROPERTY SOFTSGX_HELLO_ENCLAVE)
get_property(UAPI_HELLO_SIG GLOBAL PROPERTY SOFTSGX_HELLO_SIG)
if(NOT UAPI_HELLO OR NOT UAPI_HELLO_SIG)
  message(STATUS "uapi tests: no hello enclave to load; not added")
  return()
endif()

set(UAPI_DIR ${CMAKE_CURRENT_SOURCE_DIR}/uapi)
set(UAPI_BIN ${CMAKE_CURRENT_BINARY_DIR}/uapi)
file(MAKE_DIRECTORY ${UAPI_BIN})

# The hello image signed a second time, allowing ATTRIBUTES.PROVISIONKEY.
set(UAPI_KEY ${UAPI_BIN}/uapi-key.pem)
set(UAPI_PROV_SIG ${UAPI_BIN}/hello-provisionkey.sig)
add_custom_command(OUTPUT ${UAPI_KEY}
  COMMAND $<TARGET_FILE:softsgx> keygen --force -o ${UAPI_KEY}
  DEPENDS softsgx
  COMMENT "Creating the uapi tests' signing key" VERBATIM)
add_custom_command(OUTPUT ${UAPI_PROV_SIG}
  COMMAND $<TARGET_FILE:softsgx> sign --key ${UAPI_KEY}
          --attributes MODE64BIT,PROVISIONKEY ${UAPI_HELLO} -o ${UAPI_PROV_SIG}
  DEPENDS ${UAPI_KEY} ${UAPI_HELLO} softsgx hello_enclave
  COMMENT "Signing the hello enclave with PROVISIONKEY" VERBATIM)
add_custom_target(uapi_provision_sig ALL DEPENDS ${UAPI_PROV_SIG})

add_library(uapi_lib STATIC ${UAPI_DIR}/uapi.c)
target_include_directories(uapi_lib PUBLIC ${UAPI_DIR})
target_link_libraries(uapi_lib PUBLIC softsgx_image)

foreach(prog uapi_ioctl uapi_mm uapi_signals uapi_plain)
  add_executable(${prog} ${UAPI_DIR}/${prog}.c)
  target_link_libraries(${prog} PRIVATE uapi_lib)
endforeach()

# The device files; one unit is built fortified so that glibc routes open()
# and openat() through __open_2 and __openat_2.
add_executable(uapi_files ${UAPI_DIR}/uapi_files.c ${UAPI_DIR}/uapi_files_fortify.c)
target_link_libraries(uapi_files PRIVATE uapi_lib)
set_source_files_properties(${UAPI_DIR}/uapi_files_fortify.c PROPERTIES
  COMPILE_OPTIONS "-O2;-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=2")

# The third-party host: libc and <asm/sgx.h> only, nothing of softsgx.
add_executable(thirdparty ${UAPI_DIR}/thirdparty.c)

# Every test: a throw-away platform in the build tree, never the user's.
set(UAPI_ENV "SOFTSGX_PLATFORM=${UAPI_BIN}/platform")
if(SOFTSGX_SANITIZE)
  list(APPEND UAPI_ENV "ASAN_OPTIONS=verify_asan_link_order=0")
endif()

# uapi_add_test(NAME TIMEOUT PROGRAM ARGS...): PROGRAM under softsgx run.
function(uapi_add_test name timeout)
  add_test(NAME ${name}
    COMMAND $<TARGET_FILE:softsgx> run -- ${ARGN}
    WORKING_DIRECTORY ${UAPI_BIN})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${timeout} SKIP_RETURN_CODE 77 ENVIRONMENT "${UAPI_ENV}")
endfunction()

uapi_add_test(uapi_ioctl 120 $<TARGET_FILE:uapi_ioctl>
  ${UAPI_HELLO} ${UAPI_HELLO_SIG} ${UAPI_PROV_SIG})
# A 1 MiB EPC: an enclave that is not destroyed shows within a few cycles.
uapi_add_test(uapi_mm 300 $<TARGET_FILE:uapi_mm> ${UAPI_HELLO} ${UAPI_HELLO_SIG})
set_property(TEST uapi_mm APPEND PROPERTY ENVIRONMENT "SOFTSGX_EPC_SIZE=1M")
uapi_add_test(uapi_files 120 $<TARGET_FILE:uapi_files>)
# The fortified unit really calls the _2 entry points.
if(CMAKE_NM)
  add_test(NAME uapi_files_fortified
    COMMAND sh -c "\"$0\" -D --undefined-only \"$1\" > uapi_files.imports && grep -qx '.* U __open_2.*' uapi_files.imports && grep -qx '.* U __openat_2.*' uapi_files.imports"
            ${CMAKE_NM} $<TARGET_FILE:uapi_files>
    WORKING_DIRECTORY ${UAPI_BIN})
  set_tests_properties(uapi_files_fortified PROPERTIES TIMEOUT 30)
endif()

# Programs that must behave the same with and without softsgx: compare.sh
# runs both ways and diffs the transcripts.
function(uapi_add_compare name timeout)
  add_test(NAME ${name}
    COMMAND bash ${UAPI_DIR}/compare.sh $<TARGET_FILE:softsgx> ${ARGN}
    WORKING_DIRECTORY ${UAPI_BIN})
  set_tests_properties(${name} PROPERTIES
    TIMEOUT ${timeout} ENVIRONMENT "${UAPI_ENV}")
endfunction()
uapi_add_compare(uapi_signals 60 $<TARGET_FILE:uapi_signals>)
uapi_add_compare(uapi_plain 60 $<TARGET_FILE:uapi_plain>)

# It enters its enclave under softsgx run, and finds no SGX without it.
uapi_add_test(uapi_thirdparty 60 $<TARGET_FILE:thirdparty> ${UAPI_HELLO} ${UAPI_HELLO_SIG})
add_test(NAME uapi_thirdparty_native
  COMMAND $<TARGET_FILE:thirdparty> --expect-no-sgx ${UAPI_HELLO} ${UAPI_HELLO_SIG}
  WORKING_DIRECTORY ${UAPI_BIN})
set_tests_properties(uapi_thirdparty_native PROPERTIES
  TIMEOUT 60 SKIP_RETURN_CODE 77 ENVIRONMENT "${UAPI_ENV}")
