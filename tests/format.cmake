add_test(NAME clang_format COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check-format.sh)
set_tests_properties(clang_format PROPERTIES SKIP_RETURN_CODE 77)
