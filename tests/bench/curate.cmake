# bench_curate: 1,645,475 generated banners through `narrowscan ingest` and
# `narrowscan curate run`, with wall time and peak RSS (tests/bench/curate/bench_curate.sh).
# Run: build/<dir>/tests/bench/bench_curate [BANNERS] [FORMAT]
configure_file(${CMAKE_CURRENT_LIST_DIR}/curate/bench_curate.sh
               ${CMAKE_CURRENT_BINARY_DIR}/bench_curate @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE)
