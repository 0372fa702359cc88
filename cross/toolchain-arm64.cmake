# aarch64 (arm64) boards: Raspberry Pi 3/4/5, most recent routers and SBCs.
set(NS_CROSS_ARCH arm64)
set(NS_CROSS_TRIPLET aarch64-linux-gnu)
set(NS_CROSS_PROCESSOR aarch64)
set(NS_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain.cmake)
