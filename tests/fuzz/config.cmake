# Fuzz targets of the configuration readers: probe.toml and controller.toml (strict
# keys, typed and range-checked values, MQTT URIs) and the testbed's population specs.
# Seeds live in tests/fuzz/config/corpus/<target>/. The fuzz preset builds no testbed
# library, so the population reader's two sources are compiled in directly.
set(NS_CONFIG_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR}/config)
ns_add_fuzzer(fuzz_config SOURCES ${NS_CONFIG_FUZZ_DIR}/config_fuzzer.cc
              LIBS ns_fleet ns_probe_agent)
ns_add_fuzzer(fuzz_population_spec
              SOURCES ${NS_CONFIG_FUZZ_DIR}/population_spec_fuzzer.cc
                      ${PROJECT_SOURCE_DIR}/tests/testbed/population_spec.cc
                      ${PROJECT_SOURCE_DIR}/tests/testbed/response_template.cc
              LIBS ns_common tomlplusplus::tomlplusplus fmt::fmt)
