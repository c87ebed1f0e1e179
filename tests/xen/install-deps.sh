#!/usr/bin/env bash
# Installs what `make test-xen` needs on the host (Debian): QEMU for x86, mmdebstrap and the Debian
# archive keyring to build the dom0 image, e2fsprogs for mkfs.ext4 -d. Idempotent, quiet when all is there.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-x86_64 || need+=(qemu-system-x86)
have mmdebstrap         || need+=(mmdebstrap)
have mkfs.ext4          || need+=(e2fsprogs)
have debugfs            || need+=(e2fsprogs)
have flock              || need+=(util-linux)
have gzip               || need+=(gzip)
have cpio               || need+=(cpio)      # the guests' initramfs is packed on the host (image/customize.sh)
have xz                 || need+=(xz-utils)  # and its modules unpacked there
have timeout            || need+=(coreutils)
[ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "xen install-deps: need root to install: ${need[*]}" >&2; exit 1; }
	echo "xen install-deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ "$(id -u)" -eq 0 ] || { echo "xen install-deps: make test-xen needs root (mmdebstrap --mode=root)" >&2; exit 1; }
