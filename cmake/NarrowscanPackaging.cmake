# CPack .deb of the probe: the binary, the systemd unit and the example probe.toml.
# Only probe-only builds package (the arm64/armhf presets, or -DNARROWSCAN_PROBE_ONLY=ON
# natively): a full build would also install the controller.
#
#   cmake --preset arm64 && cmake --build --preset arm64 --target narrowscan-probe
#   (cd build/arm64 && cpack -G DEB)       -> narrowscan-probe_0.1.0_arm64.deb
#
# A static probe (NARROWSCAN_STATIC_PAHO) depends on no package; a dynamic one gets its
# dependencies from dpkg-shlibdeps.
if(NOT NARROWSCAN_PROBE_ONLY)
  return()
endif()

# cpack needs only the probe, not the tests: installing does not build "all".
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(NS_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/probe/packaging)
install(FILES ${NS_PACKAGING_DIR}/narrowscan-probe.service DESTINATION lib/systemd/system)
install(FILES ${NS_PACKAGING_DIR}/probe.toml ${NS_PACKAGING_DIR}/exclude.conf
        DESTINATION share/doc/narrowscan-probe/examples)
install(FILES ${NS_PACKAGING_DIR}/openwrt/narrowscan-probe.init DESTINATION share/doc/narrowscan-probe/openwrt)

if(CMAKE_CROSSCOMPILING)
  if(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
    set(NS_DEB_ARCH arm64)
  elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "arm")
    set(NS_DEB_ARCH armhf)
  else()
    message(FATAL_ERROR "No Debian architecture known for ${CMAKE_SYSTEM_PROCESSOR}")
  endif()
else()
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE NS_DEB_ARCH
                  OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME narrowscan-probe)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "narrowscan maintainers <narrowscan@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "narrowscan probe: rate-limited TCP scanner and banner grabber for IoT surveys")
set(CPACK_PACKAGE_DESCRIPTION
    "Scans the (address, port) pairs of a signed plan from the narrowscan controller, inside its local\n scope and exclusion lists, and reports banners over MQTT. Also a standalone scanner.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${NS_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)  # postinst creates the "narrowscan" user
if(NOT NARROWSCAN_STATIC_PAHO AND NOT CMAKE_CROSSCOMPILING)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${NS_PACKAGING_DIR}/debian/postinst ${NS_PACKAGING_DIR}/debian/prerm
                                       ${NS_PACKAGING_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
