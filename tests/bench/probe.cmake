# Probe benchmark: real loopback services + a script that runs narrowscan-probe and
# Debian's nmap side by side (tests/bench/probe/compare-nmap).
if(TARGET ns_probe_test_services)
  add_executable(narrowscan-bench-services ${CMAKE_CURRENT_SOURCE_DIR}/probe/service_farm_main.cc)
  target_link_libraries(narrowscan-bench-services PRIVATE ns_probe_test_services CLI11::CLI11)
endif()
