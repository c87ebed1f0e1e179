#!/usr/bin/env bash
# `make test-xen`: boots Debian's Xen with a Debian dom0 in QEMU (TCG, no KVM): Debian 13's Xen 4.20 by
# default, Debian 12's Xen 4.17 with XEN_SUITE=bookworm; installs the
# product's .deb in dom0 and runs tests/xen/dom0/scenario.sh there with real libxl (`xl create`),
# oxenstored and xen-netback. Prints one line per check and "xen-tests: N passed, N failed".
#
# Usage: tests/xen/run.sh DEB        (the Makefile passes packaging/build/xen-multibridge_*.deb)
# Env:   XEN_SUITE   trixie (default) or bookworm
#        XMB_CACHE   image cache (default /var/cache/xen-multibridge-test, outside the repository)
#        XMB_SCENARIO another script to run in dom0 instead of dom0/scenario.sh (debugging)
#        XMB_KEEP_MAC_LINK=1 sets udev's MACAddressPolicy=none for xenbr* (the old work-around; see dom0/setup.sh)
#        XMB_TIMEOUT seconds the VM may run (default 1200); the Makefile wraps everything in a
#                    harder `timeout` as well.
#
# Boot recipe (measured on a 2-core machine without usable KVM):
#   qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64,+svm -smp 2 -m 3072 -nic none
#   -kernel xen (xen.gz gunzipped: an ELF32 multiboot image, so QEMU's multiboot loader boots it, no
#   bootloader or ISO needed) -append "<Xen options>" -initrd "vmlinuz <dom0 options>,initrd.img"
#   (each comma-separated -initrd entry is a multiboot module; the first one is dom0's kernel).
#   Disks: vda = the cached ext4 root (snapshot=on: the cache never changes), vdb = a tar of the
#   payload (the .deb + tests/xen/dom0/*), vdc = a blank file the scenario writes its results to.
#   The serial port (Xen and dom0's hvc0) goes to a log file. QEMU gets no NIC at all: the guests'
#   networks are Xen-internal and the host's network is never touched.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DEB=${1:?usage: run.sh path/to/xen-multibridge.deb}
[ -f "$DEB" ] || { echo "xen-tests: no package $DEB" >&2; exit 1; }
CACHE=${XMB_CACHE:-/var/cache/xen-multibridge-test}
VM_TIMEOUT=${XMB_TIMEOUT:-1200}

start=$SECONDS
img=$("$HERE/build-image.sh")
t_image=$((SECONDS - start))

tmp=$(mktemp -d /tmp/xen-multibridge-test.XXXXXX)
qpid=
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid" 2>/dev/null || true
		sleep 1
		kill -9 "$qpid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Payload disk: a plain tar (dom0's xmb-preinit runs `tar -xf /dev/vdb`), padded to whole sectors.
mkdir "$tmp/payload"
cp "$HERE"/dom0/* "$tmp/payload/"
cp "$DEB" "$tmp/payload/"
# XMB_SCENARIO=FILE runs another dom0 script instead of dom0/scenario.sh (for debugging the tier).
[ -z "${XMB_KEEP_MAC_LINK:-}" ] || touch "$tmp/payload/keep-mac-link"
[ -z "${XMB_SCENARIO:-}" ] || install -m 0755 "$XMB_SCENARIO" "$tmp/payload/scenario.sh"
tar -C "$tmp/payload" -cf "$tmp/payload.tar" .
truncate -s %1M "$tmp/payload.tar"
truncate -s 16M "$tmp/results.img"
gzip -dc "$img/xen.gz" > "$tmp/xen"

XEN_OPTS="dom0_mem=1024M,max:1024M dom0_max_vcpus=2 console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot"
DOM0_OPTS="root=/dev/vda rw console=hvc0 earlyprintk=xen init=/usr/local/sbin/xmb-preinit systemd.show_status=1"
SUITE=${XEN_SUITE:-trixie}
XEN_VERSION=$(cat "$img/xen-version" 2>/dev/null || echo "?")
echo "xen-tests: booting Xen $XEN_VERSION + Debian $SUITE dom0 in QEMU (TCG; image $img, made in ${t_image} s)"
qemu-system-x86_64 -accel tcg,thread=multi -cpu qemu64,+svm -smp 2 -m 3072 \
	-nographic -no-reboot -nic none -monitor none -parallel none \
	-serial "file:$tmp/serial.log" \
	-kernel "$tmp/xen" -append "$XEN_OPTS" \
	-initrd "$img/vmlinuz $DOM0_OPTS,$img/initrd.img" \
	-drive "file=$img/root.img,if=virtio,format=raw,snapshot=on" \
	-drive "file=$tmp/payload.tar,if=virtio,format=raw,readonly=on" \
	-drive "file=$tmp/results.img,if=virtio,format=raw" \
	< /dev/null > "$tmp/qemu.log" 2>&1 &
qpid=$!
boot=$SECONDS
rc=0
while kill -0 "$qpid" 2>/dev/null; do
	if [ $((SECONDS - boot)) -ge "$VM_TIMEOUT" ]; then
		echo "xen-tests: the VM did not finish within ${VM_TIMEOUT} s: killing QEMU (pid $qpid)"
		rc=1
		break
	fi
	sleep 2
done
t_vm=$((SECONDS - boot))
[ $rc -ne 0 ] || wait "$qpid" || true

out=$(tr -d '\000' < "$tmp/results.img")
results=$(awk '/^XMB-RESULTS-END$/ { exit } on { print } /^XMB-RESULTS-BEGIN$/ { on = 1 }' <<< "$out")
# Keep the last run's logs (outside the repository) for a look after a failure.
logs=$CACHE/last-run-$SUITE
rm -rf "$logs"; mkdir -p "$logs"
cp "$tmp/serial.log" "$tmp/qemu.log" "$logs/" 2>/dev/null || true
printf '%s\n' "$out" > "$logs/dom0-results-and-diagnostics.txt"

passed=$(grep -c '^PASS ' <<< "$results" || true)
failed=$(grep -c '^FAIL ' <<< "$results" || true)
[ -n "$results" ] && printf '%s\n' "$results"
if ! grep -q '^XMB-RESULTS-END$' <<< "$out"; then
	echo "FAIL the dom0 scenario ran to its end and reported (see $logs/serial.log)"
	failed=$((failed + 1))
	echo "--- last lines of the serial console:"
	tail -n 40 "$tmp/serial.log" | tr -d '\r' | cut -c1-200
fi
echo "xen-tests: Xen $XEN_VERSION (Debian $SUITE): image ${t_image} s, VM ${t_vm} s (boot + scenario); logs in $logs"
echo "xen-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
