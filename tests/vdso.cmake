# The synthetic vDSO (src/shim). Until the top-level CMakeLists.txt adds
# src/shim itself, build it from here so that test_vdso can link it.
if(NOT TARGET softsgx_vdso)
  add_subdirectory(${CMAKE_SOURCE_DIR}/src/shim ${CMAKE_BINARY_DIR}/src/shim)
endif()
if(TARGET test_vdso)
  target_link_libraries(test_vdso PRIVATE softsgx_vdso ${CMAKE_DL_LIBS})
endif()
