#!/usr/bin/env bash
# Builds the dom0 image of `make test-xen` from Debian's archive, into a cache directory keyed by a
# hash of the recipe (this file, tests/xen/image/*, the package list and the host's apt sources):
#   $XMB_CACHE/<key>/{xen.gz,vmlinuz,initrd.img,root.img}
# Prints the directory on stdout. A cached image is reused; a failed build leaves nothing behind and
# fails loudly (no archive, no test).
#
# Recipe, as measured on a 2-core machine: mmdebstrap (bookworm, minbase + the packages below, no
# recommends) into a directory ~ 3 min cold; the image is an ext4 file made without loop mounts
# (mkfs.ext4 -d DIR), 3 GiB sparse. The hypervisor, dom0 kernel and initrd are copied out of /boot
# so QEMU can boot them directly (see run.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XMB_CACHE:-/var/cache/xen-multibridge-test}
SUITE=bookworm
PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,procps,iproute2,iputils-ping,busybox-static,cpio,xz-utils,initramfs-tools,linux-image-amd64,xen-system-amd64,xenstore-utils,strace,nftables

sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || { echo "build-image: no apt sources on this host" >&2; exit 1; }

key=$( { echo "$SUITE $PACKAGES"; cat "$0" "$HERE"/image/*; cat "${sources[@]}"; } | sha256sum | cut -c1-16)
dir=$CACHE/$key
if [ -s "$dir/root.img" ] && [ -e "$dir/complete" ]; then
	echo "build-image: cached image $dir" >&2
	echo "$dir"
	exit 0
fi

mkdir -p "$CACHE"
# Only one build at a time per cache.
exec 9>"$CACHE/.lock"
flock 9
work=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
echo "build-image: building $dir from Debian $SUITE (mmdebstrap) ..." >&2
mmdebstrap --mode=root --variant=minbase --format=directory \
	--aptopt='APT::Install-Recommends "false"' \
	--include="$PACKAGES" \
	--customize-hook="sh '$HERE/image/customize.sh' \"\$1\"" \
	"$SUITE" "$work/root" "${sources[@]}" > "$work/mmdebstrap.log" 2>&1 || {
	echo "build-image: mmdebstrap failed (is Debian's archive reachable?); last lines:" >&2
	tail -n 30 "$work/mmdebstrap.log" >&2
	exit 1
}
mkdir -p "$work/out"
cp "$work"/root/boot/xen-4.17-amd64.gz "$work/out/xen.gz"
cp "$(ls "$work"/root/boot/vmlinuz-* | sort -V | tail -n1)" "$work/out/vmlinuz"
cp "$(ls "$work"/root/boot/initrd.img-* | sort -V | tail -n1)" "$work/out/initrd.img"
rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/lib/apt/lists/*
truncate -s 3G "$work/out/root.img"
mkfs.ext4 -q -F -L xmbroot -d "$work/root" "$work/out/root.img"
rm -rf "$work/root"
touch "$work/out/complete"
rm -rf "$dir"
mv "$work/out" "$dir"
# Older images of other recipes are dropped.
for old in "$CACHE"/*/; do
	[ "${old%/}" = "$dir" ] || rm -rf "$old"
done
echo "build-image: built $dir in $(( $(date +%s) - start )) s" >&2
echo "$dir"
