# fuzz_wire: every wire decoder on arbitrary bytes (envelopes with a fixed key, and
# the unsigned inner payloads, which is where a forged-but-signed message would land).
# Seeds: tests/fuzz/corpus/wire/ (first byte picks the decoder, see wire_fuzzer.cc).
ns_add_fuzzer(fuzz_wire SOURCES ${CMAKE_CURRENT_LIST_DIR}/wire_fuzzer.cc LIBS ns_wire)
