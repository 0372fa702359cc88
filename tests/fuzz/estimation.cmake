# Fuzz targets of the estimation component: field extraction + estimation, the keyword
# prefilter, the device DB loader, the hosts JSONL reader, the nmap and Recog importers.
# Seeds live in tests/fuzz/estimation/corpus/<target>/.
set(NS_ESTIMATION_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR}/estimation)
ns_add_fuzzer(fuzz_banner_estimation SOURCES ${NS_ESTIMATION_FUZZ_DIR}/banner_estimation_fuzzer.cc
              LIBS ns_estimation)
ns_add_fuzzer(fuzz_device_db_loader SOURCES ${NS_ESTIMATION_FUZZ_DIR}/device_db_loader_fuzzer.cc
              LIBS ns_estimation)
ns_add_fuzzer(fuzz_hosts_jsonl SOURCES ${NS_ESTIMATION_FUZZ_DIR}/hosts_jsonl_fuzzer.cc
              LIBS ns_estimation)
ns_add_fuzzer(fuzz_nmap_import SOURCES ${NS_ESTIMATION_FUZZ_DIR}/nmap_import_fuzzer.cc
              LIBS ns_importers)
ns_add_fuzzer(fuzz_recog_import SOURCES ${NS_ESTIMATION_FUZZ_DIR}/recog_import_fuzzer.cc
              LIBS ns_importers)
# The prefilter never rules out a keyword that matches (checked against RE2 itself).
ns_add_fuzzer(fuzz_keyword_prefilter
              SOURCES ${NS_ESTIMATION_FUZZ_DIR}/keyword_prefilter_fuzzer.cc LIBS ns_estimation)

# scripts/fuzz needs every fuzz target of every component (the global NS_FUZZERS list,
# complete only once all parts are included): write it, with each binary's path, when
# the top-level directory is done.
get_property(ns_fuzzer_list_deferred GLOBAL PROPERTY NS_FUZZER_LIST_DEFERRED)
if(NOT ns_fuzzer_list_deferred)
  set_property(GLOBAL PROPERTY NS_FUZZER_LIST_DEFERRED TRUE)
  function(ns_write_fuzzer_list)
    get_property(fuzzers GLOBAL PROPERTY NS_FUZZERS)
    set(lines "")
    foreach(f IN LISTS fuzzers)
      string(APPEND lines "${f} $<TARGET_FILE:${f}>\n")
    endforeach()
    file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/fuzzers.txt CONTENT "${lines}")
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL ns_write_fuzzer_list)
endif()
