#!/bin/sh
# mmdebstrap --customize-hook for the dom0 image of `make test-xen`: runs on the host with $1 = the
# new root file system (Debian trixie with Xen 4.20, or bookworm with Xen 4.17, installed). Everything here is part of the image
# recipe: changing this file changes the cache key and rebuilds the image.
set -eu
R=$1
HERE=$(dirname "$0")

echo xmb-dom0 > "$R/etc/hostname"
printf '/dev/vda / ext4 rw,noatime 0 1\n' > "$R/etc/fstab"
# Nothing slow or networked at boot under TCG.
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer systemd-networkd-wait-online.service; do
	ln -sf /dev/null "$R/etc/systemd/system/$u"
done

# The dom0 kernel is started with init=/usr/local/sbin/xmb-preinit: it installs the test payload
# (the product's .deb and the scenario, on the second disk) and hands over to systemd.
install -m 0755 "$HERE/xmb-preinit" "$R/usr/local/sbin/xmb-preinit"

# PV guests: the same Debian kernel with a busybox initramfs (busybox-static from the image) that
# carries xen-netfront and a busybox init (so `xl reboot`/`xl shutdown` work: the kernel runs
# /sbin/reboot, busybox signals its init).
KVER=$(ls "$R/usr/lib/modules" | sort -V | tail -n1)
G=$(mktemp -d)
mkdir -p "$G/bin" "$G/sbin" "$G/etc/init.d" "$G/proc" "$G/sys" "$G/dev" "$G/tmp" "$G/lib/modules" "$G/usr/bin" "$G/usr/sbin"
cp "$R/bin/busybox" "$G/bin/busybox"
for a in $(chroot "$R" /bin/busybox --list-full); do
	[ -e "$G/$a" ] || ln -s /bin/busybox "$G/$a"
done
n=0
for m in $(chroot "$R" modprobe -S "$KVER" --show-depends xen-netfront | awk '$1 == "insmod" { print $2 }'); do
	n=$((n + 1))
	case "$m" in
		*.ko.xz) xz -dc "$R$m" > "$G/lib/modules/$n-$(basename "$m" .xz)" ;;
		*.ko.zst) zstd -qdc "$R$m" > "$G/lib/modules/$n-$(basename "$m" .zst)" ;;
		*) cp "$R$m" "$G/lib/modules/$n-$(basename "$m")" ;;
	esac
done
[ "$n" -gt 0 ] || { echo "customize: no xen-netfront module for $KVER" >&2; exit 1; }
rm -f "$G/init"
ln -s /bin/busybox "$G/init"
install -m 0644 "$HERE/guest-inittab" "$G/etc/inittab"
install -m 0755 "$HERE/guest-rcS" "$G/etc/init.d/rcS"
mkdir -p "$R/var/lib/xmb"
# On the host: without cpio there the pipe used to leave a 20-byte empty initramfs and every guest panicked
# ("Initramfs unpacking failed"); sh has no pipefail, so the result is checked.
command -v cpio >/dev/null || { echo "customize: cpio is missing on the host (tests/xen/install-deps.sh installs it)" >&2; exit 1; }
(cd "$G" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9n) > "$R/var/lib/xmb/guest-initrd.img"
[ "$(stat -c %s "$R/var/lib/xmb/guest-initrd.img")" -gt 100000 ] || { echo "customize: the guest initramfs came out empty" >&2; exit 1; }
cp "$R/boot/vmlinuz-$KVER" "$R/var/lib/xmb/guest-vmlinuz"
rm -rf "$G"
