# MRENCLAVE computed twice: by the software CPU's ECREATE/EADD/EEXTEND leaves
# (vectors/mrenclave_layout.c) and by an independent Python implementation
# written from the spec (vectors/mrenclave_ref.py), on generated layouts.
add_executable(mrenclave_layout ${CMAKE_CURRENT_LIST_DIR}/vectors/mrenclave_layout.c)
target_link_libraries(mrenclave_layout PRIVATE softsgx_arch)

if(Python3_Interpreter_FOUND)
  add_test(NAME mrenclave_independent
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/vectors/mrenclave_ref.py
            check $<TARGET_FILE:mrenclave_layout>
            ${CMAKE_CURRENT_BINARY_DIR}/mrenclave_layouts)
  set_tests_properties(mrenclave_independent PROPERTIES TIMEOUT 60)
else()
  message(WARNING "Python 3 interpreter not found: the test "
                  "mrenclave_independent (independent MRENCLAVE check) is not registered")
endif()
