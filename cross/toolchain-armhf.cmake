# 32-bit ARMv7 hard-float (armhf) boards: Raspberry Pi 2, older routers and SBCs.
set(NS_CROSS_ARCH armhf)
set(NS_CROSS_TRIPLET arm-linux-gnueabihf)
set(NS_CROSS_PROCESSOR arm)
set(NS_CROSS_QEMU qemu-arm)
# Everything is built by this one compiler, so GCC 7.1's note on the changed ARM
# parameter passing of some std:: types cannot matter; it would flood the build log.
set(CMAKE_CXX_FLAGS_INIT -Wno-psabi)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain.cmake)
