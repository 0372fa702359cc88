# bench_estimation: banners/s of the Estimator (RE2::Set per field) against a naive loop
# that runs every keyword regex on every banner, for the default DB and for the nmap
# import, printed side by side with the speed-ups. One core.
add_executable(bench_estimation ${CMAKE_CURRENT_LIST_DIR}/estimation/estimation_bench.cc)
target_link_libraries(bench_estimation PRIVATE ns_estimation ns_importers benchmark::benchmark)
target_compile_definitions(bench_estimation PRIVATE
  NARROWSCAN_SOURCE_DIR="${CMAKE_CURRENT_LIST_DIR}/../.."
  NARROWSCAN_NMAP_PROBES="/usr/share/nmap/nmap-service-probes")
