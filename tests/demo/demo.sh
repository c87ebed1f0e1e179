#!/usr/bin/env bash
# make demo: the main job on any Linux machine, no Xen needed.
# A simulated dom0 in network namespaces with two uplinks to a "lan" switch; network-multibridge
# builds a bridge per uplink and moves dom0's address onto its bridge; eight guests are hotplugged
# through libxl's exact contract (vif-multibridge online type_if=vif, XENBUS_PATH, vif=...) into a
# least-loaded pool, one guest pinned; the balance is shown; a guest pings the lan through its own
# uplink; then everything is cleaned up. Needs root (network namespaces).
set -euo pipefail
BIN=${XEN_MULTIBRIDGE_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/out}
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (network namespaces): sudo make demo" >&2; exit 1; }
for f in vif-multibridge network-multibridge xenstore-testd/xenstore-testd.dll; do
  [ -e "$BIN/$f" ] || { echo "demo: $BIN/$f is missing: run 'make build'" >&2; exit 1; }
done

ID=xhpdemo$$
DOM0=$ID-dom0 LAN=$ID-lan
WORK=$(mktemp -d /tmp/$ID.XXXX)
XS_PID=
cleanup() {
  set +e
  for ns in $(ip netns list | awk '{print $1}' | grep "^$ID-"); do ip netns del "$ns"; done
  [ -n "$XS_PID" ] && kill "$XS_PID" 2>/dev/null && wait "$XS_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

bold "1. the project's xenstore server (real wire protocol, no hypervisor)"
export XENSTORED_PATH=$WORK/xenstored.sock
dotnet "$BIN/xenstore-testd/xenstore-testd.dll" --socket "$XENSTORED_PATH" --pidfile "$WORK/xs.pid" &
XS_PID=$!
for _ in $(seq 100); do [ -S "$XENSTORED_PATH" ] && break; sleep 0.05; done
echo "xenstored listening on $XENSTORED_PATH (pid $XS_PID)"

bold "2. a simulated dom0: two NICs (eth0, eth1) cabled to a lan switch; dom0 has 10.77.0.2/24 on eth0"
ip netns add "$DOM0"; ip netns add "$LAN"
ip -n "$LAN" link add lansw type bridge; ip -n "$LAN" link set lansw up
ip -n "$LAN" address add 10.77.0.1/24 dev lansw
ip -n "$LAN" link set lo up; ip -n "$DOM0" link set lo up
for i in 0 1; do
  ip -n "$DOM0" link add eth$i type veth peer name port$i netns "$LAN"
  ip -n "$LAN" link set port$i master lansw up
  ip -n "$DOM0" link set eth$i up
done
ip -n "$DOM0" address add 10.77.0.2/24 dev eth0
ip -n "$DOM0" route add default via 10.77.0.1
run ip -n "$DOM0" -br address

cat > "$WORK/multibridge.ini" <<'INI'
[policy]
auto_bridge = xenbr0          ; what libxl writes when a VM names no bridge: apply the policy
default_pool = default
[bridge:xenbr0]
uplink = eth0
[bridge:xenbr1]
uplink = eth1
[pool:default]
bridges = xenbr0 xenbr1
strategy = least-loaded
INI
chmod 0644 "$WORK/multibridge.ini"
export XEN_MULTIBRIDGE_CONFIG=$WORK/multibridge.ini XEN_MULTIBRIDGE_RUNDIR=$WORK/run
export XEN_MULTIBRIDGE_SYSLOG=$WORK/no-syslog   # keep the demo out of the host's syslog
bold "   /etc/xen/multibridge.ini for this host"
sed 's/^/   /' "$WORK/multibridge.ini"

bold "3. network-multibridge start: one bridge per uplink, dom0's address and default route moved"
run ip netns exec "$DOM0" "$BIN/network-multibridge" start
run ip -n "$DOM0" -br address
run ip -n "$DOM0" route
echo "dom0 -> lan:"; ip netns exec "$DOM0" ping -c 1 -W 2 10.77.0.1 | grep -E 'bytes from|loss'

bold "4. eight guests hotplugged the way libxl does it (guest 8 is pinned: bridge=xenbr1)"
for d in $(seq 1 8); do
  G=$ID-g$d
  ip netns add "$G"; ip -n "$G" link set lo up
  ip netns exec "$G" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1  # quiet counters
  ip -n "$DOM0" link add vif$d.0 type veth peer name eth0 netns "$G"
  ip -n "$G" address add 10.77.0.$((10 + d))/24 dev eth0; ip -n "$G" link set eth0 up
  B=/local/domain/0/backend/vif/$d/0
  # What libxl writes: xenbr0 when the VM names no bridge (auto_bridge: the pool decides);
  # guest 8's VM config says vif = [ 'bridge=xenbr1' ]: an explicit real bridge, pinned.
  bridge=xenbr0; [ "$d" -eq 8 ] && bridge=xenbr1
  xenstore-write "$B/bridge" "$bridge" "$B/mac" "00:16:3e:00:00:0$d" "$B/frontend-id" "$d" \
    "/local/domain/$d/name" "guest$d" "/local/domain/$d/vm" "/vm/00000000-0000-0000-0000-00000000000$d"
  ip netns exec "$DOM0" env -i PATH="$PATH" XENSTORED_PATH="$XENSTORED_PATH" XEN_MULTIBRIDGE_CONFIG="$XEN_MULTIBRIDGE_CONFIG" \
    XEN_MULTIBRIDGE_RUNDIR="$XEN_MULTIBRIDGE_RUNDIR" XEN_MULTIBRIDGE_SYSLOG="$XEN_MULTIBRIDGE_SYSLOG" \
    script=/etc/xen/scripts/vif-multibridge XENBUS_TYPE=vif XENBUS_PATH=backend/vif/$d/0 XENBUS_BASE_PATH=backend netdev= vif=vif$d.0 \
    "$BIN/vif-multibridge" online type_if=vif
  printf '   vif%s.0 -> %-7s hotplug-status=%s\n' "$d" "$(basename "$(ip netns exec "$DOM0" readlink /sys/class/net/vif$d.0/master)")" \
    "$(xenstore-read "$B/hotplug-status")"
done

bold "   vif-multibridge explain 3 0: the decision for guest 3, the candidates, the plan (changes nothing)"
ip netns exec "$DOM0" "$BIN/vif-multibridge" explain 3 0 | sed 's/^/   /'

bold "5. network-multibridge status: the balance"
run ip netns exec "$DOM0" "$BIN/network-multibridge" status || true

bold "6. each guest's traffic leaves by its own bridge's uplink"
counters() { ip netns exec "$LAN" cat /sys/class/net/port0/statistics/rx_packets /sys/class/net/port1/statistics/rx_packets | paste -sd' '; }
for d in 1 2; do
  br=$(basename "$(ip netns exec "$DOM0" readlink /sys/class/net/vif$d.0/master)")
  read -r a0 a1 < <(counters)
  ip netns exec "$ID-g$d" ping -q -c 50 -i 0.01 -W 2 10.77.0.1 | grep -E 'loss' | sed 's/^/   /'
  read -r b0 b1 < <(counters)
  echo "   guest$d on $br: the lan received $((b0 - a0)) packets through eth0's cable, $((b1 - a1)) through eth1's"
done

bold "7. guests offline, network-multibridge stop: eth0 gets its address and route back"
for d in $(seq 1 8); do
  ip netns exec "$DOM0" env XENBUS_PATH=backend/vif/$d/0 vif=vif$d.0 "$BIN/vif-multibridge" offline type_if=vif
done
run ip netns exec "$DOM0" "$BIN/network-multibridge" stop
run ip -n "$DOM0" -br address
run ip -n "$DOM0" route
echo "dom0 -> lan:"; ip netns exec "$DOM0" ping -c 1 -W 2 10.77.0.1 | grep -E 'bytes from|loss'
bold "demo finished; cleaning up namespaces and the xenstore server"
