# 32-bit ARMv7 hard-float (armhf) boards: Raspberry Pi 2, older routers and SBCs.
set(NS_CROSS_ARCH armhf)
set(NS_CROSS_TRIPLET arm-linux-gnueabihf)
set(NS_CROSS_PROCESSOR arm)
set(NS_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain.cmake)
