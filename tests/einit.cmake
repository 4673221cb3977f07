# EINIT policy tests sign their own enclaves.
if(TARGET test_einit_policy)
  target_link_libraries(test_einit_policy PRIVATE softsgx_sign)
endif()
