# All dependencies are Debian packages (see scripts/setup). Each is wrapped in an
# imported target named ns::<name> so component CMakeLists never repeat find logic.
option(NARROWSCAN_STATIC_PAHO "Static probe: static Paho C++ from cross/build-paho, static binary" OFF)
option(NARROWSCAN_BROKER_TLS "Static probe: Paho with OpenSSL for ssl:// brokers (about +2.1 MB with cross/build-openssl)" ON)
include(NarrowscanStaticProbe)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(FlatBuffers CONFIG REQUIRED)
find_program(FLATC flatc REQUIRED)

# Standalone Asio is header-only.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(ns::asio INTERFACE IMPORTED)
target_include_directories(ns::asio INTERFACE ${ASIO_INCLUDE_DIR})
# Debian's Asio 1.22 decides ASIO_HAS_STD_ALIGNED_ALLOC from whichever standard header
# came first, so files that include <asio.hpp> first disagree with the rest (ASan:
# alloc-dealloc mismatch). Pin it off everywhere.
target_compile_definitions(ns::asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(ns::asio INTERFACE Threads::Threads)

# mbedTLS 2.28 ships neither a CMake config nor a pkg-config file on Debian 12.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h REQUIRED)
find_library(MBEDTLS_LIB mbedtls REQUIRED)
find_library(MBEDX509_LIB mbedx509 REQUIRED)
find_library(MBEDCRYPTO_LIB mbedcrypto REQUIRED)
add_library(ns::mbedtls INTERFACE IMPORTED)
target_include_directories(ns::mbedtls INTERFACE ${MBEDTLS_INCLUDE_DIR})
target_link_libraries(ns::mbedtls INTERFACE ${MBEDTLS_LIB} ${MBEDX509_LIB} ${MBEDCRYPTO_LIB})

# Paho MQTT C++. Debian ships no static libpaho-mqttpp3.a: static builds link the one
# cross/build-paho makes, and Debian's static Paho C, with OpenSSL (ssl:// brokers) or
# without (tcp:// only). Code can test NARROWSCAN_BROKER_TLS (0/1) to refuse ssl://
# with a clear message instead of Paho's late connect failure.
add_library(ns::paho INTERFACE IMPORTED)
if(NARROWSCAN_STATIC_PAHO)
  find_path(PAHO_CPP_INCLUDE_DIR mqtt/async_client.h REQUIRED)
  find_library(PAHO_CPP_STATIC_LIB paho-mqttpp3 REQUIRED)
  if(NARROWSCAN_BROKER_TLS)
    find_library(PAHO_C_STATIC_LIB paho-mqtt3as REQUIRED)
    find_package(OpenSSL REQUIRED)
    set(NS_PAHO_TLS_LIBS OpenSSL::SSL OpenSSL::Crypto)
  else()
    find_library(PAHO_C_STATIC_LIB paho-mqtt3a REQUIRED)
  endif()
  target_include_directories(ns::paho INTERFACE ${PAHO_CPP_INCLUDE_DIR})
  target_link_libraries(ns::paho INTERFACE ${PAHO_CPP_STATIC_LIB} ${PAHO_C_STATIC_LIB} ${NS_PAHO_TLS_LIBS}
                        Threads::Threads ${CMAKE_DL_LIBS} rt anl)
  target_compile_definitions(ns::paho INTERFACE NARROWSCAN_BROKER_TLS=$<BOOL:${NARROWSCAN_BROKER_TLS}>)
else()
  # Debian's shared Paho C++ always links Paho C with OpenSSL.
  find_package(PahoMqttCpp CONFIG REQUIRED)
  target_link_libraries(ns::paho INTERFACE PahoMqttCpp::paho-mqttpp3)
  target_compile_definitions(ns::paho INTERFACE NARROWSCAN_BROKER_TLS=1)
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
  # cpp-httplib (the status server of `serve --http`): Debian 12 ships it compiled
  # (libcpp-httplib.so) and its pkg-config file carries the feature defines the library
  # was built with, which the header needs too so both sides agree on the classes.
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  add_library(ns::httplib ALIAS PkgConfig::HTTPLIB)
endif()

if(NARROWSCAN_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
  include(GoogleTest)
endif()
if(NARROWSCAN_BUILD_BENCH AND NOT CMAKE_CROSSCOMPILING)
  find_package(benchmark CONFIG REQUIRED)
endif()
