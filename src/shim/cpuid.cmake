# CPUID emulation for the shim (src/shim/cpuid.h): a static library that
# libsoftsgx.so links. Included from src/shim/CMakeLists.txt and, when the
# shim is not built yet, from tests/cpuid.cmake; the guard makes either order
# work.
if(NOT TARGET softsgx_cpuid)
  if(NOT TARGET PkgConfig::CAPSTONE)
    # Debian: libcapstone-dev. GLOBAL: the target is used from other dirs.
    pkg_check_modules(CAPSTONE REQUIRED IMPORTED_TARGET GLOBAL capstone)
  endif()
  add_library(softsgx_cpuid STATIC
    ${CMAKE_CURRENT_LIST_DIR}/cpuid.c
    ${CMAKE_CURRENT_LIST_DIR}/cpuid_elf.c
    ${CMAKE_CURRENT_LIST_DIR}/cpuid_patch.c
    ${CMAKE_CURRENT_LIST_DIR}/cpuid_rewrite.c
    ${CMAKE_CURRENT_LIST_DIR}/cpuid_unwind.c)
  target_include_directories(softsgx_cpuid PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(softsgx_cpuid PUBLIC PkgConfig::CAPSTONE
                        Threads::Threads ${CMAKE_DL_LIBS})
endif()
