# The driver tests (tests/unit/test_driver_*.c) share the fixtures in
# unit/drvtest.c; those that build and sign real enclaves need softsgx_sign.
file(GLOB DRIVER_TESTS CONFIGURE_DEPENDS
     ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_driver_*.c)
foreach(src ${DRIVER_TESTS})
  get_filename_component(name ${src} NAME_WE)
  if(NOT TARGET ${name})
    continue()
  endif()
  target_sources(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit/drvtest.c)
  if(TARGET softsgx_sign)
    target_link_libraries(${name} PRIVATE softsgx_sign)
    target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tools)
    target_compile_definitions(${name} PRIVATE SOFTSGX_HAVE_SIGN=1)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT 120)
endforeach()
