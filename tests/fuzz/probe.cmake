# Fuzz targets of the probe: banner grabbers fed device bytes, SYN replies and
# certificates. Seeds live in tests/fuzz/corpus/<target>/ when present.
ns_add_fuzzer(fuzz_probe_grabbers SOURCES ${CMAKE_CURRENT_LIST_DIR}/probe/grabbers_fuzzer.cc
              LIBS ns_probe_grabbers)
ns_add_fuzzer(fuzz_probe_replies SOURCES ${CMAKE_CURRENT_LIST_DIR}/probe/replies_fuzzer.cc
              LIBS ns_probe_engine ns_probe_grabbers)
