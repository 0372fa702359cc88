# Shared part of the cross toolchain files: the caller sets NS_CROSS_ARCH (Debian
# name), NS_CROSS_TRIPLET and NS_CROSS_PROCESSOR. The sysroot and the static Paho C++
# archive are made by cross/make-sysroot and cross/build-paho.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${NS_CROSS_PROCESSOR})
set(CMAKE_LIBRARY_ARCHITECTURE ${NS_CROSS_TRIPLET})

set(NS_CROSS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(CMAKE_SYSROOT ${NS_CROSS_DIR}/sysroot/${NS_CROSS_ARCH})
if(NOT EXISTS ${CMAKE_SYSROOT}/usr/include/stdio.h)
  message(FATAL_ERROR "No sysroot at ${CMAKE_SYSROOT}: run cross/make-sysroot ${NS_CROSS_ARCH}")
endif()

set(CMAKE_C_COMPILER ${NS_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${NS_CROSS_TRIPLET}-g++)

# Static Paho C++ (cross/out/ARCH) is searched like the sysroot.
set(CMAKE_FIND_ROOT_PATH ${NS_CROSS_DIR}/out/${NS_CROSS_ARCH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # flatc, qemu: host programs
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# binfmt_misc is not assumed: ARM programs (tests, gtest discovery) are started
# through qemu-user explicitly, with the sysroot as the ELF interpreter prefix.
find_program(NS_QEMU ${NS_CROSS_QEMU} REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${NS_QEMU};-L;${CMAKE_SYSROOT})
