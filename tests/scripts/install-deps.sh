#!/usr/bin/env bash
# Installs what the build, the tests, the demo and the benchmark need on a fresh Debian machine.
# Idempotent and quiet when everything is already there.
set -euo pipefail
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have ip              || need+=(iproute2)
have bridge          || need+=(iproute2)
have xenstore-read   || need+=(xenstore-utils)
[ -x /etc/xen/scripts/vif-bridge ] || need+=(xen-utils-common)
# The parity tests pin what the stock script sees: bridge-utils as on a Debian Xen host (and a PATH without it).
[ -x /usr/sbin/brctl ] || need+=(bridge-utils)
have iptables        || need+=(iptables)
# antispoof: the bridge family of nftables; its DHCP test runs busybox udhcpd/udhcpc.
have nft             || need+=(nftables)
have busybox         || need+=(busybox)
have ping            || need+=(iputils-ping)
have flock           || need+=(util-linux)
have hyperfine       || need+=(hyperfine)
have dpkg-shlibdeps  || need+=(dpkg-dev)
have rpmbuild        || need+=(rpm)
have rpm2cpio        || need+=(rpm2cpio)
have lintian         || need+=(lintian)
have cpio            || need+=(cpio)
have groff           || need+=(groff-base)
have man             || need+=(man-db)
[ -x /usr/bin/time ] || need+=(time)
# The journald round trip runs Debian's own systemd-journald (in a private mount namespace) and journalctl.
[ -x /lib/systemd/systemd-journald ] || need+=(systemd)
have unshare         || need+=(util-linux)
# What the unpacked nmcli (below) links against.
for pkg in libglib2.0-0 libreadline8 libudev1 libgnutls30; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
# make bench: TCP senders and sinks of the balancer's throughput benchmark.
have iperf3          || need+=(iperf3)
# network-multibridge top is driven in a pseudo-terminal by tmux.
have tmux            || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: need root to install: ${need[*]}" >&2; exit 1
  fi
  echo "install-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The render tests check the files with the tools that consume them: ifupdown's ifquery/ifup and NetworkManager's
# `nmcli --offline`. Installing those packages would let them manage this machine's network (networking.service,
# NetworkManager.service), so their .debs are only unpacked into tests/.tools (never installed, nothing started).
tools="$(cd "$(dirname "$0")/.." && pwd)/.tools"
if [ ! -x "$tools/root/sbin/ifquery" ] || [ ! -x "$tools/root/usr/bin/nmcli" ]; then
  have apt-get && have dpkg-deb || { echo "install-deps: apt-get and dpkg-deb are needed to unpack ifupdown and nmcli" >&2; exit 1; }
  rm -rf "$tools" && mkdir -p "$tools/debs"
  ( cd "$tools/debs" && apt-get download -q ifupdown network-manager libnm0 >/dev/null 2>&1 ) \
    || { [ "$(id -u)" -eq 0 ] && apt-get update -qq && ( cd "$tools/debs" && apt-get download -q ifupdown network-manager libnm0 >/dev/null 2>&1 ); } \
    || { echo "install-deps: cannot download ifupdown, network-manager and libnm0 (apt-get download)" >&2; exit 1; }
  for deb in "$tools"/debs/*.deb; do dpkg-deb -x "$deb" "$tools/root"; done
  rm -rf "$tools/debs"
fi
# status --format prometheus is checked with promtool, from Debian's prometheus package (bookworm and later). The
# package is only unpacked into tests/.tools like ifupdown above: installed, its postinst would add a user and
# enable (on a host with systemd, start) prometheus.service listening on :9090. promtool links only libc.
if [ ! -x "$tools/root/usr/bin/promtool" ]; then
  mkdir -p "$tools/debs"
  ( cd "$tools/debs" && apt-get download -q prometheus >/dev/null 2>&1 ) \
    || { [ "$(id -u)" -eq 0 ] && apt-get update -qq && ( cd "$tools/debs" && apt-get download -q prometheus >/dev/null 2>&1 ); } \
    || { echo "install-deps: cannot download prometheus (apt-get download), which has promtool" >&2; exit 1; }
  dpkg-deb --fsys-tarfile "$tools"/debs/prometheus_*.deb | tar -x -C "$tools/root" ./usr/bin/promtool
  rm -rf "$tools/debs"
  "$tools/root/usr/bin/promtool" --version >/dev/null
fi
have dotnet || { echo "install-deps: the .NET SDK (dotnet) is required" >&2; exit 1; }
