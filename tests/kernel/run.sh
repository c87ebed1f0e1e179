#!/usr/bin/env bash
# `make test-kernel`: the full-kernel tier. This machine's kernel has no 802.1Q, no bridge VLAN filtering and no
# bonding, so the product's VLAN work is tested in a VM booting Debian's own kernel (trixie, 6.12) in QEMU (TCG,
# no KVM, no Xen): the root file system is the cached image of the real-Xen tier (tests/xen/build-image.sh), the
# product is the .deb installed with dpkg -i, xenstore is the project's xenstore server (Native AOT, real wire
# protocol) driven by Debian's real xenstore-* tools, and libxl's contract with the vif-script is reproduced as the
# integration tests do (tests/XenHotplug.TestSupport/SimulatedDom0.cs). Guests are network namespaces inside the
# VM, cabled by veth pairs named as netback names vifs; the lan is a namespace with real 802.1Q devices.
# Prints one line per check and "kernel-tests: N passed, N failed".
#
# Usage: tests/kernel/run.sh DEB XENSTORED     (the Makefile passes the .deb and the AOT xenstore server)
# Env:   XMB_CACHE     image cache (default /var/cache/xen-multibridge-test)
#        XMB_TIMEOUT   seconds the VM may run (default 600)
#
# Boot recipe (measured on a 2-core machine without KVM): qemu-system-x86_64 -accel tcg,thread=multi -smp 2 -m 2048
#   -kernel vmlinuz -initrd initrd.img -append "root=/dev/vda rw console=ttyS0 init=/usr/local/sbin/xmb-preinit";
#   the image's xmb-preinit unpacks the payload (vdb, a tar) and runs its setup.sh, which here runs the whole
#   scenario before systemd would start and powers the VM off. Disks as in the Xen tier: vda the cached root
#   (snapshot=on), vdb the payload, vdc the results. QEMU gets no NIC: nothing leaves the VM.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DEB=${1:?usage: run.sh path/to/xen-multibridge.deb path/to/xenstore-testd}
XENSTORED=${2:?usage: run.sh path/to/xen-multibridge.deb path/to/xenstore-testd}
[ -f "$DEB" ] || { echo "kernel-tests: no package $DEB" >&2; exit 1; }
[ -x "$XENSTORED" ] || { echo "kernel-tests: no xenstore server $XENSTORED" >&2; exit 1; }
CACHE=${XMB_CACHE:-/var/cache/xen-multibridge-test}
VM_TIMEOUT=${XMB_TIMEOUT:-600}

start=$SECONDS
img=$(XEN_SUITE=trixie "$HERE/../xen/build-image.sh")
t_image=$((SECONDS - start))

tmp=$(mktemp -d /tmp/xen-multibridge-kernel.XXXXXX)
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

mkdir "$tmp/payload"
cp "$HERE"/vm/* "$tmp/payload/"
cp "$DEB" "$tmp/payload/"
cp "$XENSTORED" "$tmp/payload/xenstore-testd"
tar -C "$tmp/payload" -cf "$tmp/payload.tar" .
truncate -s %1M "$tmp/payload.tar"
truncate -s 16M "$tmp/results.img"

KVER=$( (file -b "$img/vmlinuz" 2>/dev/null || true) | sed -n "s/.*version \([^ ]*\).*/\1/p")
echo "kernel-tests: booting Debian's kernel ${KVER:-?} in QEMU (TCG, no Xen; image $img, made in ${t_image} s)"
qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2048 \
	-nographic -no-reboot -nic none -monitor none -parallel none \
	-serial "file:$tmp/serial.log" \
	-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 init=/usr/local/sbin/xmb-preinit panic=-1 quiet" \
	-drive "file=$img/root.img,if=virtio,format=raw,snapshot=on" \
	-drive "file=$tmp/payload.tar,if=virtio,format=raw,readonly=on" \
	-drive "file=$tmp/results.img,if=virtio,format=raw" \
	< /dev/null > "$tmp/qemu.log" 2>&1 &
qpid=$!
boot=$SECONDS
rc=0
while kill -0 "$qpid" 2>/dev/null; do
	if [ $((SECONDS - boot)) -ge "$VM_TIMEOUT" ]; then
		echo "kernel-tests: the VM did not finish within ${VM_TIMEOUT} s: killing QEMU (pid $qpid)"
		rc=1
		break
	fi
	sleep 1
done
t_vm=$((SECONDS - boot))
[ $rc -ne 0 ] || wait "$qpid" || true

out=$(tr -d '\000' < "$tmp/results.img")
results=$(awk '/^XMB-RESULTS-END$/ { exit } on { print } /^XMB-RESULTS-BEGIN$/ { on = 1 }' <<< "$out")
logs=$CACHE/last-run-kernel
rm -rf "$logs"; mkdir -p "$logs"
cp "$tmp/serial.log" "$tmp/qemu.log" "$logs/" 2>/dev/null || true
printf '%s\n' "$out" > "$logs/results-and-diagnostics.txt"

passed=$(grep -c '^PASS ' <<< "$results" || true)
failed=$(grep -c '^FAIL ' <<< "$results" || true)
[ -n "$results" ] && printf '%s\n' "$results"
if ! grep -q '^XMB-RESULTS-END$' <<< "$out"; then
	echo "FAIL the VM's scenario ran to its end and reported (see $logs/serial.log)"
	failed=$((failed + 1))
	echo "--- last lines of the serial console:"
	tail -n 40 "$tmp/serial.log" | tr -d '\r' | cut -c1-200
fi
echo "kernel-tests: Debian kernel ${KVER:-?}: image ${t_image} s, VM ${t_vm} s (boot + scenario); logs in $logs"
echo "kernel-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
