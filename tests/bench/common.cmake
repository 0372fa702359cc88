# bench_common: target permutation throughput (indices/s), rate limiter cost per
# token, RangeSet membership, plan codec throughput.
add_executable(bench_common ${CMAKE_CURRENT_LIST_DIR}/common_bench.cc)
target_link_libraries(bench_common PRIVATE ns_common ns_wire benchmark::benchmark)
