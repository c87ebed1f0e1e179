#!/usr/bin/env bash
# Builds the dom0 image of `make test-xen` from Debian's archive, into a cache directory keyed by the
# suite and a hash of the recipe (this file, tests/xen/image/*, the package list and the host's apt sources):
#   $XMB_CACHE/<suite>-<key>/{xen.gz,vmlinuz,initrd.img,root.img,xen-version}
# XEN_SUITE picks the Debian release: trixie (Debian 13, Xen 4.20; the default) or bookworm (Debian 12,
# Xen 4.17). Each suite keeps its own cached image.
# Prints the directory on stdout. A cached image is reused; a failed build leaves nothing behind and
# fails loudly (no archive, no test).
#
# Recipe, as measured on a 2-core machine: mmdebstrap (the suite, minbase + the packages below, no
# recommends) into a directory ~ 3 min cold; the image is an ext4 file made without loop mounts
# (mkfs.ext4 -d DIR), 3 GiB sparse. The hypervisor, dom0 kernel and initrd are copied out of /boot
# so QEMU can boot them directly (see run.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XMB_CACHE:-/var/cache/xen-multibridge-test}
SUITE=${XEN_SUITE:-trixie}
case "$SUITE" in
	trixie | bookworm) ;;
	*) echo "build-image: XEN_SUITE=$SUITE is not a suite of the matrix (trixie or bookworm)" >&2; exit 2 ;;
esac
PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,procps,iproute2,iputils-ping,busybox-static,cpio,xz-utils,initramfs-tools,linux-image-amd64,xen-system-amd64,xenstore-utils,strace,nftables

# The host's apt sources (its mirror, proxy and keyring), with the host's codename replaced by the suite's:
# a bookworm host builds the trixie image from the same mirror, and the other way round.
host=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
srcdir=$(mktemp -d)
trap 'rm -rf "$srcdir"' EXIT
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] || continue
	out=$srcdir/$(basename "$f")
	if [ -n "$host" ] && [ "$host" != "$SUITE" ]; then
		sed -E "s/\b$host(-updates|-security|-backports)?\b/$SUITE\1/g" "$f" > "$out"
	else
		cp "$f" "$out"
	fi
	sources+=("$out")
done
[ ${#sources[@]} -gt 0 ] || { echo "build-image: no apt sources on this host" >&2; exit 1; }

key=$( { echo "$SUITE $PACKAGES"; cat "$0" "$HERE"/image/*; cat "${sources[@]}"; } | sha256sum | cut -c1-16)
dir=$CACHE/$SUITE-$key
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
trap 'rm -rf "$work" "$srcdir"' EXIT
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
xen=$(ls "$work"/root/boot/xen-*-amd64.gz | sort -V | tail -n1)
cp "$xen" "$work/out/xen.gz"
basename "$xen" -amd64.gz | sed 's/^xen-//' > "$work/out/xen-version"
cp "$(ls "$work"/root/boot/vmlinuz-* | sort -V | tail -n1)" "$work/out/vmlinuz"
cp "$(ls "$work"/root/boot/initrd.img-* | sort -V | tail -n1)" "$work/out/initrd.img"
rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/lib/apt/lists/*
truncate -s 3G "$work/out/root.img"
mkfs.ext4 -q -F -L xmbroot -d "$work/root" "$work/out/root.img"
rm -rf "$work/root"
touch "$work/out/complete"
rm -rf "$dir"
mv "$work/out" "$dir"
# Older images of this suite's other recipes are dropped (the other suite's image stays).
for old in "$CACHE/$SUITE"-*/; do
	[ "${old%/}" = "$dir" ] || rm -rf "$old"
done
echo "build-image: built $dir in $(( $(date +%s) - start )) s" >&2
echo "$dir"
