#!/usr/bin/env bash
# Fetches what booting a real Linux on the vexpress-a9 board needs from
# Debian's archive: the armmp kernel that linux-image-armmp currently
# depends on, its vexpress-v2p-ca9.dtb and a static busybox, all armhf.
# Nothing is installed: the packages are downloaded and unpacked.
#   scripts/linux_assets.sh [DIR]      (default: build/linux)
# Leaves in DIR: vmlinuz (the zImage), vexpress-v2p-ca9.dtb, busybox and
# VERSION (the kernel package and its version).  Quick when they are there.
# apt only sees armhf packages with the armhf architecture added: the
# script adds it if missing (as root or with passwordless sudo) and
# removes it again afterwards unless an armhf package got installed.
set -euo pipefail
dir=${1:-build/linux}
files=(vmlinuz vexpress-v2p-ca9.dtb busybox VERSION)

missing=0
for f in "${files[@]}"; do
    [ -s "$dir/$f" ] || missing=1
done
[ $missing -eq 0 ] && exit 0

sudo=()
need_root() {
    [ "$(id -u)" -eq 0 ] && return 0
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo)
        return 0
    fi
    echo "linux_assets: adding the armhf architecture to apt needs root; run: sudo $0 $dir" >&2
    exit 2
}

added_arch=0
cleanup() {
    rm -rf "${tmp:-}"
    [ $added_arch -eq 1 ] || return 0
    # An armhf package installed meanwhile (by someone else) keeps it.
    if ! dpkg-query -W -f='${Architecture}\n' 2>/dev/null | grep -qx armhf; then
        "${sudo[@]}" dpkg --remove-architecture armhf
        "${sudo[@]}" apt-get update -qq >&2 || true
    fi
}
trap cleanup EXIT

# apt-get update fails when any index does (a mirror mid-sync, say) while
# the lists needed here may well have come: what counts is whether apt
# knows linux-image-armmp:armhf afterwards.
if ! dpkg --print-foreign-architectures | grep -qx armhf; then
    need_root
    echo "==> adding the armhf architecture to apt for the download" >&2
    "${sudo[@]}" dpkg --add-architecture armhf
    added_arch=1
    "${sudo[@]}" apt-get update -qq >&2 || true
elif ! apt-cache show linux-image-armmp:armhf >/dev/null 2>&1; then
    # The architecture is there but the package lists predate it.
    need_root
    "${sudo[@]}" apt-get update -qq >&2 || true
fi
if ! apt-cache show linux-image-armmp:armhf >/dev/null 2>&1; then
    echo "linux_assets: apt does not know linux-image-armmp:armhf (apt-get update failed?)" >&2
    exit 2
fi

# linux-image-armmp is a meta package: the kernel is its dependency
# linux-image-6.1.0-N-armmp, N moving with the archive.
kernel=$(apt-cache depends linux-image-armmp:armhf |
         sed -n 's/^ *Depends: \(linux-image-[0-9.]*-[0-9]*-armmp\)\(:armhf\)\?$/\1/p' | head -n 1)
if [ -z "$kernel" ]; then
    echo "linux_assets: linux-image-armmp:armhf names no linux-image-*-armmp dependency" >&2
    exit 2
fi

tmp=$(mktemp -d)
chmod 755 "$tmp"
mkdir "$tmp/debs" "$tmp/root"
# apt-get download as root drops to the _apt user, which must be able to
# write where it downloads (else apt warns and downloads as root).
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    chown _apt "$tmp/debs"
fi
echo "==> downloading $kernel:armhf and busybox-static:armhf" >&2
(cd "$tmp/debs" && apt-get download -q "$kernel:armhf" busybox-static:armhf >&2)
for deb in "$tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$tmp/root"
done
kdeb=$(ls "$tmp"/debs/"$kernel"_*.deb)

src_vmlinuz=$(ls "$tmp"/root/boot/vmlinuz-*)
src_dtb=$(find "$tmp/root" -name vexpress-v2p-ca9.dtb -print -quit)
src_busybox=$(find "$tmp/root" -path '*/bin/busybox' -type f -print -quit)
for f in "$src_vmlinuz" "$src_dtb" "$src_busybox"; do
    if [ ! -s "$f" ]; then
        echo "linux_assets: the packages lack the kernel, the DTB or busybox" >&2
        exit 2
    fi
done
dpkg-deb -W --showformat='${Package} ${Version}\n' "$kdeb" > "$tmp/VERSION"

# Each file via a temporary name and rename; VERSION last.
mkdir -p "$dir"
install_file() { # SOURCE NAME MODE
    cp "$1" "$dir/.$2.tmp"
    chmod "$3" "$dir/.$2.tmp"
    mv -f "$dir/.$2.tmp" "$dir/$2"
}
install_file "$src_vmlinuz" vmlinuz 644
install_file "$src_dtb" vexpress-v2p-ca9.dtb 644
install_file "$src_busybox" busybox 755
install_file "$tmp/VERSION" VERSION 644
echo "==> $dir: $(cat "$dir/VERSION")" >&2
