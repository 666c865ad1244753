#!/usr/bin/env bash
# mmuscope set-up and entry point.
#   ./go run [mmuscope run options]   set up, build, run the default workload,
#                                     print the summary, write heatmap.png
#   ./go test                         set up, build, run every test suite
#                                     (normal and AddressSanitizer+UBSan builds)
#   ./go linux [--workloads LIST] [mmuscope run options]
#                                     set up, build, fetch Debian's armmp kernel
#                                     and busybox, boot Linux on mmuscope with
#                                     the workloads (default: all seven) in its
#                                     initramfs, print the summary
#   ./go bench [mmuscope bench options]
#                                     set up, build, sweep the default workloads
#                                     over the presets and layouts: bench-out/
# Set-up installs missing Debian packages (as root, or with passwordless sudo)
# and is quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")"

packages=(meson ninja-build pkg-config gcc libc6-dev python3
          libunicorn-dev libcapstone-dev libsdl2-dev zlib1g-dev
          gcc-arm-none-eabi binutils-arm-none-eabi liblua5.4-dev
          libsdl2-ttf-dev fonts-dejavu-core xvfb xauth qemu-system-arm
          gcc-arm-linux-gnueabihf libfdt-dev)

setup_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo=(sudo)
        else
            echo "mmuscope needs these Debian packages; install them with:" >&2
            echo "  sudo apt-get install -y ${missing[*]}" >&2
            exit 2
        fi
    fi
    echo "==> installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
}

# The Debian Linux kernel, DTB and busybox that the tests booting a real
# Linux need (scripts/linux_assets.sh): without the archive (or root to add
# the armhf architecture) the run goes on and those tests skip.
fetch_linux() {
    scripts/linux_assets.sh build/linux ||
        echo "warning: no Linux kernel and busybox in build/linux; the tests that boot Linux skip" >&2
}

# build DIR [meson options...]: configure once, then an incremental ninja.
build() {
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >&2
    fi
    ninja -C "$dir" >&2
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
    setup_packages
    build build
    exec build/cli/mmuscope run --heatmap heatmap.png "$@"
    ;;
linux)
    setup_packages
    build build
    scripts/linux_assets.sh build/linux >&2
    workloads=random,chase,stride,matrix,fork,mmap,mix
    if [ "${1:-}" = --workloads ] && [ $# -ge 2 ]; then
        workloads=$2
        shift 2
    fi
    if [ ! -x build/firmware/linux/init ]; then
        echo "./go linux: build/firmware/linux/init was not built (no arm-linux-gnueabihf-gcc?)" >&2
        exit 2
    fi
    python3 scripts/mkinitramfs.py build/linux/initramfs.cpio.gz --busybox build/linux/busybox \
        --init build/firmware/linux/init --user build/firmware/linux/mmuscope-user
    exec build/cli/mmuscope run --board vexpress --kernel build/linux/vmlinuz \
        --dtb build/linux/vexpress-v2p-ca9.dtb --initrd build/linux/initramfs.cpio.gz \
        --append "console=ttyAMA0 panic=-1 cryptomgr.notests rdinit=/init workloads=$workloads" \
        --heatmap heatmap.png "$@"
    ;;
bench)
    setup_packages
    build build
    exec build/cli/mmuscope bench --workloads sweep,random,chase,matrix,mix \
        --presets cortex-a5,cortex-a7,cortex-a8,cortex-a9,cortex-a15 --out bench-out "$@"
    ;;
test)
    setup_packages
    build build
    build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    fetch_linux
    status=0
    # The summary reads these logs: an old one must never stand in for a run.
    rm -f build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
    meson test -C build --print-errorlogs --num-processes 2 || status=1
    # The sanitizers slow everything down several times: the time limits,
    # hang guards only, grow with them.
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
    python3 scripts/test_summary.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json || status=1
    exit $status
    ;;
*)
    echo "usage: ./go run [mmuscope run options] | ./go linux [--workloads LIST] [options] | ./go test | ./go bench [options]" >&2
    exit 2
    ;;
esac
