# Static probe builds (the arm64/armhf presets, NARROWSCAN_STATIC_PAHO=ON): one
# self-contained binary per board, so nothing on the device has to match the build
# machine's libraries. Included from NarrowscanDependencies.cmake before any find_*.
#
# - every find_library prefers static archives (.a);
# - fmt and toml++ are used header-only: Debian ships them only as shared libraries,
#   and their package configs skip target creation when the targets already exist;
# - mbedTLS and OpenSSL are cross/build-mbedtls's and cross/build-openssl's cut-down
#   builds (see there for what they keep);
# - the Paho part of NarrowscanDependencies.cmake links the static Paho C++ archive
#   that cross/build-paho makes, with Paho C with or without OpenSSL
#   (NARROWSCAN_BROKER_TLS).
# Host names (the broker's) resolve through glibc's built-in "files" and "dns"
# sources, which static glibc 2.36 carries without loading NSS modules; cross/test
# checks it under qemu (see docs/deploy.md).
if(NOT NARROWSCAN_STATIC_PAHO)
  return()
endif()
if(NOT NARROWSCAN_PROBE_ONLY)
  message(FATAL_ERROR "NARROWSCAN_STATIC_PAHO builds the probe only: add -DNARROWSCAN_PROBE_ONLY=ON")
endif()

set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
set(OPENSSL_USE_STATIC_LIBS TRUE)

# mbedTLS, and OpenSSL for broker TLS, are the cut-down builds cross/build-mbedtls and
# cross/build-openssl install beside the static Paho C++ (a stamp marks each), never
# the sysroot's full Debian builds. Set as plain variables, so the find_* calls keep
# them and a build folder whose cache still names the sysroot's copies gets them too.
function(ns_cross_built_root stamp script out_var)
  find_path(dir ${stamp} PATHS /lib NO_DEFAULT_PATH NO_CACHE)
  if(NOT dir)
    message(FATAL_ERROR "No ${stamp} under ${CMAKE_FIND_ROOT_PATH}: run cross/${script} ARCH")
  endif()
  string(REGEX REPLACE "/lib/?$" "" dir "${dir}")
  set(${out_var} ${dir} PARENT_SCOPE)
endfunction()

ns_cross_built_root(.narrowscan-mbedtls build-mbedtls NS_PROBE_MBEDTLS_ROOT)
set(MBEDTLS_INCLUDE_DIR ${NS_PROBE_MBEDTLS_ROOT}/include)
set(MBEDTLS_LIB ${NS_PROBE_MBEDTLS_ROOT}/lib/libmbedtls.a)
set(MBEDX509_LIB ${NS_PROBE_MBEDTLS_ROOT}/lib/libmbedx509.a)
set(MBEDCRYPTO_LIB ${NS_PROBE_MBEDTLS_ROOT}/lib/libmbedcrypto.a)
if(NARROWSCAN_BROKER_TLS)
  ns_cross_built_root(.narrowscan-openssl build-openssl NS_PROBE_OPENSSL_ROOT)
  set(OPENSSL_INCLUDE_DIR ${NS_PROBE_OPENSSL_ROOT}/include)
  set(OPENSSL_SSL_LIBRARY ${NS_PROBE_OPENSSL_ROOT}/lib/libssl.a)
  set(OPENSSL_CRYPTO_LIBRARY ${NS_PROBE_OPENSSL_ROOT}/lib/libcrypto.a)
endif()

find_path(NS_FMT_INCLUDE_DIR fmt/format.h REQUIRED)
foreach(target fmt::fmt fmt::fmt-header-only)
  add_library(${target} INTERFACE IMPORTED)
  target_include_directories(${target} INTERFACE ${NS_FMT_INCLUDE_DIR})
  target_compile_definitions(${target} INTERFACE FMT_HEADER_ONLY=1)
endforeach()

find_path(NS_TOMLPLUSPLUS_INCLUDE_DIR toml++/toml.h REQUIRED)
add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)
target_include_directories(tomlplusplus::tomlplusplus INTERFACE ${NS_TOMLPLUSPLUS_INCLUDE_DIR})
target_compile_definitions(tomlplusplus::tomlplusplus INTERFACE TOML_HEADER_ONLY=1)

# Link-time optimisation across the probe's own code and its header-only libraries
# (CLI11, toml++, nlohmann JSON, fmt, Asio): ~120 KB less on aarch64. The test
# programs of these builds are LTO-linked too, so what runs under qemu is what ships.
set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)

# Unused sections go: the static archives (OpenSSL above all) are far larger than
# what the probe calls.
add_compile_options(-ffunction-sections -fdata-sections)
add_link_options(-static -Wl,--gc-sections)
# No RELRO: in a static non-PIE binary it only write-protects the few GOT entries
# libc relocates at start (IFUNCs), and the page alignment it needs padded the file
# by ~40 KB. No build ID: nothing on a board looks it up.
add_link_options(-Wl,-z,norelro -Wl,--build-id=none)
