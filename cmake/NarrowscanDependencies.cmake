# All dependencies are Debian packages (see scripts/setup). Each is wrapped in an
# imported target named ns::<name> so component CMakeLists never repeat find logic.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(flatbuffers CONFIG REQUIRED)
find_program(FLATC flatc REQUIRED)

# Standalone Asio is header-only.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(ns::asio INTERFACE IMPORTED)
target_include_directories(ns::asio INTERFACE ${ASIO_INCLUDE_DIR})
target_compile_definitions(ns::asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(ns::asio INTERFACE Threads::Threads)

# mbedTLS 2.28 ships neither a CMake config nor a pkg-config file on Debian 12.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h REQUIRED)
find_library(MBEDTLS_LIB mbedtls REQUIRED)
find_library(MBEDX509_LIB mbedx509 REQUIRED)
find_library(MBEDCRYPTO_LIB mbedcrypto REQUIRED)
add_library(ns::mbedtls INTERFACE IMPORTED)
target_include_directories(ns::mbedtls INTERFACE ${MBEDTLS_INCLUDE_DIR})
target_link_libraries(ns::mbedtls INTERFACE ${MBEDTLS_LIB} ${MBEDX509_LIB} ${MBEDCRYPTO_LIB})

find_package(PahoMqttCpp CONFIG REQUIRED)
if(TARGET PahoMqttCpp::paho-mqttpp3-static AND NARROWSCAN_STATIC_PAHO)
  add_library(ns::paho ALIAS PahoMqttCpp::paho-mqttpp3-static)
else()
  add_library(ns::paho INTERFACE IMPORTED)
  target_link_libraries(ns::paho INTERFACE PahoMqttCpp::paho-mqttpp3)
endif()

find_package(CLI11 CONFIG REQUIRED)
find_package(tomlplusplus CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)

if(NOT NARROWSCAN_PROBE_ONLY)
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
  add_library(ns::re2 ALIAS PkgConfig::RE2)
  find_package(SQLite3 REQUIRED)
  add_library(ns::sqlite ALIAS SQLite::SQLite3)
  find_package(spdlog CONFIG REQUIRED)
endif()

if(NARROWSCAN_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
  include(GoogleTest)
endif()
if(NARROWSCAN_BUILD_BENCH AND NOT CMAKE_CROSSCOMPILING)
  find_package(benchmark CONFIG REQUIRED)
endif()
