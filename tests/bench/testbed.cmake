# bench_testbed: the testbed generator's banners/s per output format and the cost of
# building a large population (tests/testbed/testbed_bench.cc).
if(TARGET ns_testbed)
  add_executable(bench_testbed ${CMAKE_CURRENT_LIST_DIR}/../testbed/testbed_bench.cc)
  target_link_libraries(bench_testbed PRIVATE ns_testbed benchmark::benchmark)
  target_compile_definitions(bench_testbed PRIVATE NARROWSCAN_SOURCE_DIR="${CMAKE_CURRENT_LIST_DIR}/../..")
endif()
