#!/usr/bin/env bash
# Installs what the aarch64 builds and tests need on a Debian or Ubuntu x86-64 machine (root or sudo):
#
#   kernels/install-cross-toolchain.sh          gcc/g++ for aarch64 (the JCuda driver binding and the
#                                               emulator for linux-aarch64) and qemu-user (to run them)
#   kernels/install-cross-toolchain.sh --jdk DIR
#                                               also Debian's arm64 OpenJDK 17 (and zlib), unpacked
#                                               into DIR (dpkg -x: arm64 maintainer scripts cannot
#                                               run on x86-64), for kernels/test-aarch64.sh
#                                               (kernels/qemu-aarch64/bin/java runs it)
#
# Debian packages only, through apt; nothing is downloaded from elsewhere.
set -euo pipefail

sudo_if_needed() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

packages=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's package lists may be stale or missing: install, and on failure update and try again.
install_packages() {
  sudo_if_needed apt-get install -y -q --no-install-recommends "${packages[@]}" \
    || { sudo_if_needed apt-get update -q && sudo_if_needed apt-get install -y -q --no-install-recommends "${packages[@]}"; }
}
if [[ "${1:-}" == "--jdk" ]]; then
  target="${2:?--jdk needs a directory to unpack the arm64 JDK into}"
  install_packages
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    sudo_if_needed dpkg --add-architecture arm64
  fi
  sudo_if_needed apt-get update -q
  mkdir -p "$target/debs"
  (cd "$target/debs" && apt-get download openjdk-17-jre-headless:arm64 openjdk-17-jdk-headless:arm64 zlib1g:arm64)
  for deb in "$target"/debs/*.deb; do
    dpkg -x "$deb" "$target/root"
  done
  echo "arm64 JDK unpacked: $target/root/usr/lib/jvm/java-17-openjdk-arm64"
else
  install_packages
fi
