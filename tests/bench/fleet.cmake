# bench_fleet: report batches through a real Mosquitto into SQLite (the paper's national
# round by default). Run: build/<dir>/tests/bench/bench_fleet [--hosts N --banners N].
if(TARGET ns_fleet)
  add_executable(bench_fleet ${CMAKE_CURRENT_LIST_DIR}/fleet/fleet_bench.cc)
  target_link_libraries(bench_fleet PRIVATE ns_fleet ns_estimation_commands)
  target_compile_definitions(bench_fleet PRIVATE NARROWSCAN_BENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
endif()
