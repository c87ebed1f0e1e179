#!/bin/bash
# The kernel tier's scenario (tests/kernel/run.sh), run as root in a VM booting Debian's kernel: real 802.1Q,
# real VLAN-filtering bridges, the product from its .deb, the project's xenstore server with Debian's xenstore-*
# tools, libxl's vif-script contract as in tests/XenHotplug.TestSupport/SimulatedDom0.cs. Guests are network
# namespaces g1, g2, ... cabled to dom0 (the VM's own namespace) by veth pairs vifD.0 (netback's MAC) / eth0;
# the lan is namespace lan with 802.1Q devices lan0.10 (10.10.0.1) and lan0.20 (10.20.0.1) on a trunk to the
# VLAN-aware bridge xenbr0 (uplink eth1 carries VLANs 10 and 20 tagged). xenbr1 is a bridge without VLAN
# filtering. One line per check, "PASS name" or "FAIL name: why", written to the results disk as they come.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/etc/xen/scripts
P=/var/lib/xmb/payload
W=/run/xmb
mkdir -p "$W"
RES=$W/results.txt DIAG=$W/diag.txt
: > "$RES"; : > "$DIAG"
VIF=/etc/xen/scripts/vif-multibridge
flush() { { echo "XMB-RESULTS-BEGIN"; cat "$RES"; } > "$W/partial.txt"; dd if="$W/partial.txt" of=/dev/vdc conv=fsync status=none; }
ok() { echo "PASS $1" | tee -a "$RES"; flush; }
ko() { echo "FAIL $1${2:+: $2}" | tee -a "$RES"; flush; }
check() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then ok "$name"; else ko "$name" "$(printf '%s' "$out" | tail -n 4 | tr '\n' ' ')"; fi
}
finish() {
	{
		echo "XMB-RESULTS-BEGIN"; cat "$RES"; echo "XMB-RESULTS-END"
		echo "===== diagnostics"; cat "$DIAG"
		echo "===== bridge vlan show"; bridge vlan show 2>&1
		echo "===== ip -d link"; ip -d link 2>&1 | head -n 120
	} > "$W/final.txt"
	dd if="$W/final.txt" of=/dev/vdc conv=fsync status=none
	[ -f "$W/xs.pid" ] && kill "$(cat "$W/xs.pid")" 2>/dev/null
	exit 0
}
require() {
	local before; before=$(grep -c '^FAIL' "$RES")
	check "$@"
	[ "$(grep -c '^FAIL' "$RES")" -eq "$before" ] || { ko "scenario stopped after a failed prerequisite"; finish; }
}
diag() { { echo "===== $*"; "$@" 2>&1; } >> "$DIAG"; }
waitfor() { # waitfor TENTHS COMMAND...: polls every 0.1 s
	local n=$1; shift
	until "$@" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# --- the host ---------------------------------------------------------------------------------------------
export XENSTORED_PATH=$W/xenstored.sock
CONF=$W/multibridge.ini
printf '[domain:gs*]\nantispoof = ip\n[domain:g17]\nvlan = 20\n[bridge:xenbr2]\nuplink = eth2\n[bridge:xenbr3]\nuplink = eth3\n[pool:vp]\nbridges = xenbr2 xenbr3\nstrategy = least-loaded\n' > "$CONF"
chmod 0644 "$CONF"
"$P/xenstore-testd" --socket "$XENSTORED_PATH" --pidfile "$W/xs.pid" > "$W/xenstored.log" 2>&1 &
kernel_has_vlans() {
	modprobe 8021q && modprobe bridge && modprobe veth || return 1
	ip link add xmbprobe type bridge vlan_filtering 1 && [ "$(cat /sys/class/net/xmbprobe/bridge/vlan_filtering)" = 1 ] || return 1
	ip link del xmbprobe
}
require "the VM's kernel ($(uname -r)) has 802.1Q and bridge VLAN filtering" kernel_has_vlans
require "the package installed with dpkg -i ($(dpkg-query -W -f '${Version}' xen-multibridge 2>/dev/null))" test -x "$VIF"
require "the xenstore server listens and Debian's xenstore-write reaches it" waitfor 100 xenstore-write /tool/xmb ready

lan() { ip netns exec lan "$@"; }
ip netns add lan
ip link add eth1 type veth peer name lan0 netns lan
ip link add xenbr0 type bridge vlan_filtering 1 stp_state 0 forward_delay 0
ip link set eth1 master xenbr0
bridge vlan add dev eth1 vid 10
bridge vlan add dev eth1 vid 20
bridge vlan del dev eth1 vid 1
ip link set eth1 up
ip link set xenbr0 up
ip link add xenbr1 type bridge stp_state 0 forward_delay 0
ip link set xenbr1 up
lan ip link set lo up
lan ip link set lan0 up
for v in 10 20; do
	lan ip link add link lan0 name lan0.$v type vlan id $v
	lan ip address add 10.$v.0.1/24 dev lan0.$v
	lan ip link set lan0.$v up
done

# --- libxl's side -----------------------------------------------------------------------------------------
guest() { # guest D BRIDGE [KEY=VALUE...]: the backend nodes libxl writes, and the vif netback makes
	local d=$1 br=$2 b=/local/domain/0/backend/vif/$1/0 kv; shift 2
	xenstore-write "$b/frontend" "/local/domain/$d/device/vif/0" "$b/frontend-id" "$d" "$b/online" 1 "$b/state" 2 \
		"$b/script" "$VIF" "$b/mac" "00:16:3e:00:00:$(printf %02x "$d")" "$b/handle" 0 "$b/type" vif "$b/bridge" "$br" \
		"/local/domain/$d/name" "g$d" "/local/domain/$d/vm" "/vm/00000000-0000-0000-0000-0000000000$(printf %02x "$d")"
	for kv in "$@"; do xenstore-write "$b/${kv%%=*}" "${kv#*=}"; done
	ip netns add "g$d"
	ip link add "vif$d.0" address fe:ff:ff:ff:ff:ff type veth peer name eth0 netns "g$d"
	ip -n "g$d" link set eth0 address "00:16:3e:00:00:$(printf %02x "$d")"
	ip -n "g$d" link set lo up
	ip -n "g$d" link set eth0 up
}
env_of() { # the environment libxl gives the vif-script
	echo script="$VIF" XENBUS_TYPE=vif "XENBUS_PATH=backend/vif/$1/0" XENBUS_BASE_PATH=backend netdev= "vif=vif$1.0" \
		"XENSTORED_PATH=$XENSTORED_PATH" "XEN_MULTIBRIDGE_CONFIG=$CONF" "XEN_MULTIBRIDGE_RUNDIR=${RUNDIR:-$W/run}" "XEN_MULTIBRIDGE_SYSLOG=$W/no-syslog"
}
hp() { # hp COMMAND D [ARG...]: vif-multibridge as libxl runs it (killed after libxl's 40 s)
	local c=$1 d=$2; shift 2
	# shellcheck disable=SC2046
	env $(env_of "$d") timeout -s KILL 40 "$VIF" "$c" type_if=vif "$@"
}
backend() { xenstore-read "/local/domain/0/backend/vif/$1/0/$2" 2>/dev/null; }
bridge_of() { local b; b=$(readlink "/sys/class/net/$1/brport/bridge" 2>/dev/null) || return 1; echo "${b##*/}"; }
on_no_bridge() { [ ! -e "/sys/class/net/$1/brport" ]; }
on_bridge() { [ "$(bridge_of "$1")" = "$2" ] || { echo "$1 is on '$(bridge_of "$1")', expected $2"; return 1; }; }
# vlans_of DEV: the port's VLANs as "10pu 20" (p PVID, u egress untagged), from iproute2's bridge vlan show.
vlans_of() {
	bridge vlan show dev "$1" 2>/dev/null | awk -v dev="$1" '
		NR == 1 { next }
		{ i = 1; if ($1 == dev) i = 2; if (i > NF) next; v = $i; f = ""
		  for (j = i + 1; j <= NF; j++) { if ($j == "PVID") f = f "p"; if ($j == "Untagged") f = f "u" }
		  out = out (out == "" ? "" : " ") v f }
		END { print out }'
}
vlans_are() { local got; got=$(vlans_of "$1"); [ "$got" = "$2" ] || { echo "$1 carries '$got', expected '$2'"; return 1; }; }
pings() { ip netns exec "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1 || ip netns exec "$1" ping -c 2 -W 2 "$2"; }
no_ping() { ! ip netns exec "$1" ping -c 2 -W 1 "$2" >/dev/null 2>&1; }
online_ok() { # online_ok D: online exits 0 with hotplug-status connected
	local out; out=$(hp online "$1" 2>&1) || { echo "online failed: $out"; return 1; }
	[ "$(backend "$1" hotplug-status)" = connected ] || { echo "hotplug-status $(backend "$1" hotplug-status)"; return 1; }
}
refused() { # refused D TEXT: online fails, hotplug-error has TEXT, the vif is on no bridge
	local out rc=0; out=$(hp online "$1" 2>&1) || rc=$?
	[ $rc -ne 0 ] || { echo "online succeeded: $out"; return 1; }
	case $(backend "$1" hotplug-error) in *"$2"*) ;; *) echo "hotplug-error: $(backend "$1" hotplug-error)"; return 1 ;; esac
	on_no_bridge "vif$1.0" || { echo "vif$1.0 is on $(bridge_of "vif$1.0")"; return 1; }
}
T0=$SECONDS

# --- 1. vlan=10: an access port on VLAN 10 --------------------------------------------------------------
guest 1 xenbr0 vlan=10
ip -n g1 address add 10.10.0.11/24 dev eth0
check "vlan=10: online on the VLAN-aware xenbr0 succeeds (hotplug-status connected)" online_ok 1
check "vlan=10: the port carries exactly VLAN 10 as PVID, untagged (the default VLAN 1 removed)" vlans_are vif1.0 10pu
check "vlan=10: the guest's untagged traffic reaches the lan on VLAN 10" pings g1 10.10.0.1
ip -n g1 address add 10.20.0.11/24 dev eth0
check "vlan=10: the guest does not reach VLAN 20 (its frames are VLAN 10's)" no_ping g1 10.20.0.1

# --- 2. vlan=10p/20: native VLAN 10 and tagged VLAN 20 -------------------------------------------------------
guest 2 xenbr0 vlan=10p/20
ip -n g2 address add 10.10.0.12/24 dev eth0
ip -n g2 link add link eth0 name eth0.20 type vlan id 20
ip -n g2 address add 10.20.0.12/24 dev eth0.20
ip -n g2 link set eth0.20 up
explain_shows() {
	local out; out=$(env $(env_of 2) "$VIF" explain 2 0 2>&1) || { echo "$out"; return 1; }
	diag echo "$out"
	for want in "vlans: 10p/20" "bridge vlan add dev vif2.0 vid 10 pvid untagged" "bridge vlan add dev vif2.0 vid 20" "bridge vlan del dev vif2.0 vid 1"; do
		grep -qF -- "$want" <<< "$out" || { echo "explain lacks '$want': $out"; return 1; }
	done
}
check "vlan=10p/20: explain prints the VLANs and the port's VLAN operations" explain_shows
dry_run_changes_nothing() {
	local out; out=$(hp online 2 --dry-run 2>&1) || { echo "$out"; return 1; }
	grep -qF "bridge vlan add dev vif2.0 vid 20" <<< "$out" || { echo "$out"; return 1; }
	on_no_bridge vif2.0 && [ -z "$(vlans_of vif2.0)" ]
}
check "vlan=10p/20: --dry-run prints the VLAN operations and changes nothing" dry_run_changes_nothing
check "vlan=10p/20: online succeeds" online_ok 2
check "vlan=10p/20: the port carries 10 (PVID, untagged) and 20 (tagged), not VLAN 1" vlans_are vif2.0 "10pu 20"
check "vlan=10p/20: untagged traffic reaches VLAN 10" pings g2 10.10.0.1
check "vlan=10p/20: tagged traffic reaches VLAN 20" pings g2 10.20.0.1
check "vlan=10p/20: a second online (libxl retrying) succeeds" online_ok 2
check "vlan=10p/20: after the second online the port still carries exactly 10pu 20" vlans_are vif2.0 "10pu 20"

# --- 3. BR.TAG and BR:TRUNKS bridge names ----------------------------------------------------------------
guest 3 xenbr0.20
ip -n g3 address add 10.20.0.13/24 dev eth0
check "bridge=xenbr0.20 (no such interface): online puts the NIC on xenbr0" online_ok 3
check "bridge=xenbr0.20: the port is on xenbr0" on_bridge vif3.0 xenbr0
check "bridge=xenbr0.20: the port carries exactly VLAN 20 as PVID, untagged" vlans_are vif3.0 20pu
check "bridge=xenbr0.20: the guest reaches VLAN 20" pings g3 10.20.0.1
ip -n g3 address add 10.10.0.13/24 dev eth0
check "bridge=xenbr0.20: the guest does not reach VLAN 10" no_ping g3 10.10.0.1
guest 4 xenbr0:10:20
ip -n g4 address add 10.10.0.14/24 dev eth0
ip -n g4 link add link eth0 name eth0.20 type vlan id 20
ip -n g4 address add 10.20.0.14/24 dev eth0.20
ip -n g4 link set eth0.20 up
check "bridge=xenbr0:10:20 (a trunk): online succeeds" online_ok 4
check "bridge=xenbr0:10:20: the port carries 10 and 20 tagged, no PVID" vlans_are vif4.0 "10 20"
check "bridge=xenbr0:10:20: tagged traffic reaches VLAN 20" pings g4 10.20.0.1
check "bridge=xenbr0:10:20: untagged frames are dropped (no PVID)" no_ping g4 10.10.0.1
ip link add xenbr0.100 type bridge stp_state 0 forward_delay 0
ip link set xenbr0.100 up
guest 5 xenbr0.100
check "bridge=xenbr0.100 that exists as written: online succeeds" online_ok 5
check "bridge=xenbr0.100 that exists as written: the NIC is on it, verbatim, as vif-bridge does" on_bridge vif5.0 xenbr0.100

# --- 4. refusals: nothing changes ------------------------------------------------------------------------
guest 6 xenbr1 vlan=10
check "vlan=10 on xenbr1 (no VLAN filtering): refused naming the bridge, the vif on no bridge" refused 6 "xenbr1 does not filter VLANs"
check "the refusal did not switch xenbr1's vlan_filtering" test "$(cat /sys/class/net/xenbr1/bridge/vlan_filtering)" = 0
guest 7 xenbr0 vlan=4095
check "vlan=4095: refused naming the key and the term, the vif on no bridge" refused 7 "vlan: term '4095'"
guest 8 xenbr0.5000
check "bridge=xenbr0.5000: refused naming the key and the term" refused 8 "bridge: term '5000'"
guest 9 xenbr0.10 vlan=20
check "bridge=xenbr0.10 with vlan=20: refused as two requests" refused 9 "two VLAN requests"
others_kept() { vlans_are vif1.0 10pu && vlans_are vif2.0 "10pu 20" && vlans_are eth1 "10 20"; }
check "after the refusals xenbr0's other ports kept their VLANs" others_kept

# --- 5. offline, and a kill at every step ----------------------------------------------------------------
offline_clears() { hp offline "$1" && on_no_bridge "vif$1.0" && [ -z "$(vlans_of "vif$1.0")" ]; }
check "offline of g2: the vif leaves xenbr0 and carries no VLANs" offline_clears 2
guest 10 xenbr0 vlan=10p/20
stopped() { [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = T ]; }
kill_at_every_step() {
	local n=1 pid
	while [ $n -lt 40 ]; do
		# shellcheck disable=SC2046
		env $(env_of 10) XENHOTPLUG_TEST_STOP_AT=$n "$VIF" online type_if=vif > "$W/stop.log" 2>&1 &
		pid=$!
		until stopped $pid || ! kill -0 $pid 2>/dev/null; do sleep 0.05; done
		if ! stopped $pid; then
			wait $pid || { echo "the unstopped online failed: $(cat "$W/stop.log")"; return 1; }
			echo "online ran to its end at step $n" >> "$DIAG"
			vlans_are vif10.0 "10pu 20" || return 1
			hp offline 10 >/dev/null 2>&1
			break
		fi
		echo "step $n: $(cat "$W/stop.log")" >> "$DIAG"
		kill -9 $pid; wait $pid 2>/dev/null
		hp offline 10 > "$W/off.log" 2>&1 || { echo "offline after a kill at step $n failed: $(cat "$W/off.log")"; return 1; }
		on_no_bridge vif10.0 || { echo "after a kill at step $n and offline, vif10.0 is on $(bridge_of vif10.0)"; return 1; }
		[ -z "$(vlans_of vif10.0)" ] || { echo "after a kill at step $n and offline, vif10.0 carries $(vlans_of vif10.0)"; return 1; }
		hp online 10 > "$W/on.log" 2>&1 || { echo "online after a kill at step $n failed: $(cat "$W/on.log")"; return 1; }
		vlans_are vif10.0 "10pu 20" || { echo "after a kill at step $n"; return 1; }
		hp offline 10 >/dev/null 2>&1
		n=$((n + 1))
	done
	[ $n -gt 3 ] || { echo "only $n steps"; return 1; }
	echo "killed at each of $((n - 1)) steps" >> "$DIAG"
}
check "a kill before every step of a VLAN online: offline leaves the vif on no bridge, the next online gives exactly 10pu 20" kill_at_every_step
kept_throughout() { vlans_are eth1 "10 20" && vlans_are vif1.0 10pu && vlans_are vif4.0 "10 20"; }
check "xenbr0's uplink and the other guests kept their VLANs throughout" kept_throughout

# --- 5b. a domain rule's vlan = (the VM config names none) -------------------------------------------------
guest 17 xenbr0
ip -n g17 address add 10.20.0.17/24 dev eth0
check "a [domain:g17] rule's vlan = 20: online succeeds" online_ok 17
check "the rule's VLAN is on the port: exactly 20 as PVID, untagged" vlans_are vif17.0 20pu
check "the rule's VLAN 20 guest reaches VLAN 20 and not VLAN 10" bash -c "ip netns exec g17 ping -c 1 -W 2 10.20.0.1 >/dev/null && ! ip netns exec g17 ping -c 1 -W 1 10.10.0.1 >/dev/null"
check "offline of the rule's guest" hp offline 17

# --- 6. anti-spoofing with VLANs: tags only on the NIC's own VIDs, every check inside the tag ------------------
guest 11 xenbr0 vlan=10p/20 "ip=10.10.0.21 10.20.0.21"
xenstore-write /local/domain/11/name gs11
ip -n g11 address add 10.10.0.21/24 dev eth0
for v in 20 30; do
	ip -n g11 link add link eth0 name eth0.$v type vlan id $v
	ip -n g11 link set eth0.$v up
done
ip -n g11 address add 10.20.0.21/24 dev eth0.20
ip -n g11 address add 10.30.0.21/24 dev eth0.30
ip -n g11 link add link eth0.20 name eth0.20.20 type vlan id 20
ip -n g11 link set eth0.20.20 up
ip -n g11 address add 10.40.0.21/24 dev eth0.20.20
check "guarded (antispoof = ip) NIC with vlan=10p/20: online succeeds" online_ok 11
check "guarded NIC with VLANs: its own address reaches VLAN 10 untagged" pings g11 10.10.0.1
check "guarded NIC with VLANs: its own address reaches VLAN 20 tagged (checked inside the tag)" pings g11 10.20.0.1
forged_ping() { ! ip netns exec g11 ping -c 2 -W 1 -I "$1" "$2" >/dev/null 2>&1; }
ip -n g11 address add 10.20.0.99/24 dev eth0.20
check "guarded NIC with VLANs: a forged IPv4 source inside the VLAN 20 tag is dropped" forged_ping 10.20.0.99 10.20.0.1
arping_from() { # arping_from NS SENDER DEV: an ARP request for the lan's 10.20.0.1 from SENDER (added to DEV so busybox can bind it)
	ip -n "$1" address add "$2/32" dev "$3" 2>/dev/null
	ip netns exec "$1" busybox arping -c 2 -w 2 -s "$2" -I "$3" 10.20.0.1 >> "$DIAG" 2>&1; true
}
lan_knows() { lan ip neigh show 10.20.0.0/24 | grep -q "^$1 "; }
control_arp() { arping_from g4 10.20.0.97 eth0.20; lan_knows 10.20.0.97 || { echo "the lan did not learn 10.20.0.97: $(lan ip neigh)"; return 1; }; }
check "control: an unguarded NIC's forged ARP on VLAN 20 does reach the lan (busybox arping works)" control_arp
forged_arp() { arping_from g11 10.20.0.98 eth0.20; ! lan_knows 10.20.0.98 || { echo "the lan learnt 10.20.0.98: $(lan ip neigh)"; return 1; }; }
check "guarded NIC with VLANs: a tagged ARP with a forged sender never reaches the lan" forged_arp
counted() { # counted COMMENT: the guard's rule with that comment has dropped packets
	nft list chain bridge xen_multibridge vif_vif11_2e0 2>&1 | grep -F "comment \"$1\"" | grep -qv "packets 0 " || { nft list chain bridge xen_multibridge vif_vif11_2e0; return 1; }
}
other_vlan() { ip netns exec g11 ping -c 2 -W 1 10.30.0.1 >/dev/null 2>&1; counted "VLANs 21-4095 are not this vif's"; }
check "guarded NIC with VLANs: frames tagged with a VLAN not its own are dropped by the guard" other_vlan
double_tag() { ip netns exec g11 ping -c 2 -W 1 10.40.0.1 >/dev/null 2>&1; counted "a second 802.1Q tag (QinQ)"; }
check "guarded NIC with VLANs: a frame with a second 802.1Q tag inside its own VLAN's is dropped" double_tag
diag nft list chain bridge xen_multibridge vif_vif11_2e0

# --- 7. a pool places a VLAN NIC only where the uplink carries its VLANs ------------------------------------
ip netns add lan2
for n in 2 3; do
	ip link add eth$n type veth peer name up$n netns lan2
	ip link add xenbr$n type bridge vlan_filtering 1 stp_state 0 forward_delay 0
	ip link set eth$n master xenbr$n
	bridge vlan add dev eth$n vid 10
	ip link set eth$n up
	ip link set xenbr$n up
	ip -n lan2 link set up$n up
done
bridge vlan add dev eth3 vid 20
guest 12 pool:vp vlan=20
explain_excludes() {
	local out; out=$(env $(env_of 12) "$VIF" explain 12 0 2>&1) || { echo "$out"; return 1; }
	diag echo "$out"
	grep -q "xenbr2 .*EXCLUDED.*its uplink does not carry VLAN 20" <<< "$out" || { echo "$out"; return 1; }
}
check "pool:vp with vlan=20: explain shows xenbr2 excluded (its uplink does not carry VLAN 20)" explain_excludes
check "pool:vp with vlan=20: online succeeds" online_ok 12
check "pool:vp with vlan=20: placed on xenbr3, the bridge whose uplink carries VLAN 20, with VLANs 20pu" bash -c "[ \"\$(readlink /sys/class/net/vif12.0/brport/bridge)\" != '' ] && readlink /sys/class/net/vif12.0/brport/bridge | grep -q 'xenbr3\$' && bridge vlan show dev vif12.0 | grep -q '20 PVID'"
guest 13 pool:vp vlan=30
check "pool:vp with vlan=30: refused, naming each bridge and why" refused 13 "no bridge of pool 'vp' carries VLAN 30"

# --- 8. network-multibridge builds VLAN bridges on a trunk and a VLAN-aware bridge (issue 19) -------------
# trunk0 carries VLANs 100 and 200 to namespace lan3; trunk0.100 exists already (as a distribution makes it) and
# holds dom0's 10.100.0.2; eth5 is a trunk to lan4 carrying VLANs 10 and 20.
ip netns add lan3
ip netns add lan4
ip link add trunk0 type veth peer name t0 netns lan3
ip link add eth5 type veth peer name u5 netns lan4
ip link set trunk0 up
ip link set eth5 up
ip link add link trunk0 name trunk0.100 type vlan id 100
ip address add 10.100.0.2/24 dev trunk0.100
ip link set trunk0.100 up
ip -n lan3 link set t0 up
ip -n lan4 link set u5 up
for v in 100 200; do
	ip -n lan3 link add link t0 name t0.$v type vlan id $v
	ip -n lan3 address add 10.$v.0.1/24 dev t0.$v
	ip -n lan3 link set t0.$v up
done
for v in 10 20; do
	ip -n lan4 link add link u5 name u5.$v type vlan id $v
	ip -n lan4 address add 10.$((50 + v)).0.1/24 dev u5.$v
	ip -n lan4 link set u5.$v up
done
CONF2=$W/trunks.ini
printf '[bridge:xenbr100]\nuplink = trunk0\nvlan = 100\n[bridge:xenbr200]\nuplink = trunk0\nvlan = 200\n[bridge:xenbr5]\nuplink = eth5\nvlan_filtering = yes\nvids = 10 20\n' > "$CONF2"
nmb() { XEN_MULTIBRIDGE_CONFIG=$CONF2 XEN_MULTIBRIDGE_RUNDIR=$W/run2 XEN_MULTIBRIDGE_SYSLOG=$W/no-syslog timeout -s KILL 40 network-multibridge "$@"; }
snapshot() { ip -br address show dev trunk0; ip -br address show dev trunk0.100; ip -br address show dev eth5; ip -o link show dev eth5 | grep -o 'master [^ ]*'; true; }
BEFORE=$(snapshot)
diag nmb start --dry-run
check "network-multibridge start builds the VLAN bridges and the VLAN-aware bridge" nmb start
check "xenbr100's port is the existing trunk0.100, which keeps its name" on_bridge trunk0.100 xenbr100
check "dom0's 10.100.0.2 moved from trunk0.100 to xenbr100" bash -c "ip -br address show dev xenbr100 | grep -q 10.100.0.2/24 && ! ip -br address show dev trunk0.100 | grep -q 10.100.0.2"
check "dom0 reaches the lan on VLAN 100 through xenbr100" ping -c 1 -W 2 10.100.0.1
check "start created trunk0.200 as VLAN 200 of trunk0 and enslaved it to xenbr200" bash -c "ip -d link show dev trunk0.200 | grep -q 'vlan protocol 802.1Q id 200' && [ \"\$(basename \"\$(readlink /sys/class/net/trunk0.200/brport/bridge)\")\" = xenbr200 ]"
check "xenbr5 filters VLANs and its default PVID is 0 (no native VLAN)" bash -c "[ \"\$(cat /sys/class/net/xenbr5/bridge/vlan_filtering)\" = 1 ] && [ \"\$(cat /sys/class/net/xenbr5/bridge/default_pvid)\" = 0 ]"
check "xenbr5's uplink eth5 carries exactly VLANs 10 and 20, tagged" vlans_are eth5 "10 20"
second_start() { local plan; plan=$(nmb start --dry-run 2>&1 | grep -v '^#'); [ -z "$plan" ] || { echo "a second start would run: $plan"; return 1; }; nmb start; }
check "a second start changes nothing" second_start
guest 14 xenbr5 vlan=20
ip -n g14 address add 10.70.0.14/24 dev eth0
check "a vlan=20 guest on the xenbr5 network-multibridge built: online succeeds" online_ok 14
check "the guest on xenbr5 reaches VLAN 20 of lan4 through eth5" pings g14 10.70.0.1
check "the guest on xenbr5 does not reach VLAN 10" no_ping g14 10.60.0.1
diag nmb status
check "offline of the xenbr5 guest" hp offline 14
check "network-multibridge stop succeeds" nmb stop
check "stop deleted the bridges and trunk0.200, which start created" bash -c "! ip link show dev xenbr100 && ! ip link show dev xenbr200 && ! ip link show dev xenbr5 && ! ip link show dev trunk0.200" 
same_as_before() { local now; now=$(snapshot); [ "$now" = "$BEFORE" ] || { printf 'before:\n%s\nafter:\n%s\n' "$BEFORE" "$now"; return 1; }; }
check "after stop trunk0, trunk0.100 (with dom0's address back) and eth5 are exactly as before" same_as_before
check "dom0 reaches VLAN 100 again on trunk0.100" ping -c 1 -W 2 10.100.0.1
printf '[bridge:xenbr7]\nuplink = trunk0\nvlan = 100\nuplink_name = trunk0.7\n' > "$W/clash.ini"
clash() { local out; out=$(XEN_MULTIBRIDGE_CONFIG=$W/clash.ini XEN_MULTIBRIDGE_RUNDIR=$W/run2 XEN_MULTIBRIDGE_SYSLOG=$W/no-syslog network-multibridge start 2>&1) && { echo "start succeeded: $out"; return 1; }
	grep -q "VLAN 100 of trunk0 already exists as trunk0.100" <<< "$out" || { echo "$out"; return 1; }; ! ip link show dev xenbr7 >/dev/null 2>&1; }
check "a VLAN bridge whose VLAN exists under another name is refused in one line, nothing created" clash

# --- 9. bonds: two NICs bonded (active-backup) carrying two VLAN bridges, dom0's address on the bond ------------
# lan5 is a switch (bridge sw, 10.80.0.1 untagged, VLAN 10 10.81.0.1 and 20 10.82.0.1) cabled to eth6 and eth7; dom0's
# 10.80.0.2 is on eth6 as the distribution left it. bond1 (balance-xor) bonds eth8 and eth9 (eth9 down) to lan6.
ip netns add lan5
ip netns add lan6
ip -n lan5 link add sw type bridge stp_state 0 forward_delay 0
for i in 6 7; do ip link add eth$i type veth peer name u$i netns lan5; ip -n lan5 link set u$i master sw; ip -n lan5 link set u$i up; done
for i in 8 9; do ip link add eth$i type veth peer name u$i netns lan6; ip -n lan6 link set u$i up; done
ip -n lan5 link set sw up
ip -n lan5 address add 10.80.0.1/24 dev sw
for v in 10 20; do
	ip -n lan5 link add link sw name sw.$v type vlan id $v
	ip -n lan5 address add 10.8$((v / 10)).0.1/24 dev sw.$v
	ip -n lan5 link set sw.$v up
done
ip link set eth6 up
ip link set eth7 up
ip link set eth8 up
ip address add 10.80.0.2/24 dev eth6
CONF3=$W/bonds.ini
printf '[bond:bond0]\nslaves = eth6 eth7\nmode = active-backup\nprimary = eth6\nmiimon = 50\n[bond:bond1]\nslaves = eth8 eth9\nmode = balance-xor\nxmit_hash_policy = layer2+3\n[bridge:xenbr10]\nuplink = bond0\nvlan = 10\n[bridge:xenbr20]\nuplink = bond0\nvlan = 20\n[bridge:xenbr9]\nuplink = bond1\n[pool:bp]\nbridges = xenbr20 xenbr9\nshared_segment = yes\n[balancer]\ninterval = 0.2\nmax_moves_per_minute = 0\n' > "$CONF3"
nmb3() { XEN_MULTIBRIDGE_CONFIG=$CONF3 XEN_MULTIBRIDGE_RUNDIR=$W/run3 XEN_MULTIBRIDGE_SYSLOG=$W/no-syslog timeout -s KILL 40 network-multibridge "$@"; }
bsnap() { local i; for i in 6 7 8 9; do ip -br link show dev eth$i; ip -4 -br address show dev eth$i; cat /sys/class/net/eth$i/mtu; done; ip -4 route show default; true; }
MAC6=$(cat /sys/class/net/eth6/address)
BBEFORE=$(bsnap)
diag nmb3 start --dry-run
check "network-multibridge start builds bond0, bond1 and the bridges on them" nmb3 start
check "the bonding module was loaded with max_bonds=0: no stray bond, only bond0 and bond1" bash -c "[ \"\$(tr ' ' '\n' < /sys/class/net/bonding_masters | sort | xargs)\" = 'bond0 bond1' ]"
check "bond0 is active-backup of eth6 and eth7, primary eth6, miimon 50" bash -c "[ \"\$(cat /sys/class/net/bond0/bonding/mode)\" = 'active-backup 1' ] && [ \"\$(cat /sys/class/net/bond0/bonding/slaves)\" = 'eth6 eth7' ] && [ \"\$(cat /sys/class/net/bond0/bonding/primary)\" = eth6 ] && [ \"\$(cat /sys/class/net/bond0/bonding/miimon)\" = 50 ]"
check "bond1 is balance-xor with xmit_hash_policy layer2+3" bash -c "grep -q '^balance-xor' /sys/class/net/bond1/bonding/mode && grep -q '^layer2+3' /sys/class/net/bond1/bonding/xmit_hash_policy"
check "bond0 has eth6's MAC (DHCP leases and neighbours' caches stay right)" test "$(cat /sys/class/net/bond0/address)" = "$MAC6"
check "dom0's 10.80.0.2 moved from eth6 to bond0" bash -c "ip -4 -br address show dev bond0 | grep -q 10.80.0.2/24 && ! ip -4 -br address show dev eth6 | grep -q 10.80.0.2"
check "dom0 reaches the lan through bond0" ping -c 1 -W 2 10.80.0.1
bvlans() { on_bridge bond0.10 xenbr10 && on_bridge bond0.20 xenbr20; }
check "start created bond0.10 and bond0.20 and enslaved them to xenbr10 and xenbr20" bvlans
check "xenbr9's uplink is bond1" on_bridge bond1 xenbr9
# The health and speed status, placement and the balancer read are the bond's: 10000 Mb/s per veth, summed over active slaves.
speed_is() { [ "$(cat "/sys/class/net/$1/speed" 2>/dev/null)" = "$2" ]; }
carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
check "start brought eth9 (down before) up as a slave: bond1's speed is the sum of its two active slaves', 20000 Mb/s" waitfor 50 speed_is bond1 20000
bspeed_status() { nmb3 status | grep xenbr9 | grep -q 20Gb/s; }
check "status reports xenbr9's uplink at 20Gb/s" bspeed_status
ip -n lan6 link set u9 down
check "eth9 losing carrier: bond1's speed is its one active slave's, 10000 Mb/s" waitfor 50 speed_is bond1 10000
ip -n lan6 link set u9 up
check "eth9 back: 20000 Mb/s again" waitfor 50 speed_is bond1 20000
bsecond() { local plan; plan=$(nmb3 start --dry-run 2>&1 | grep -v '^#'); [ -z "$plan" ] || { echo "a second start would run: $plan"; return 1; }; nmb3 start; }
check "a second start changes nothing" bsecond
bond_status() { local out; out=$(nmb3 status); grep -q '^xenbr9: uplink bond1 is a bond (balance-xor): eth8 active, eth9 active$' <<< "$out" \
	&& grep -q '^xenbr10: uplink bond0.10 is VLAN 10 of bond0, a bond (active-backup): eth6' <<< "$out" || { echo "$out"; return 1; }; }
check "status names each bond uplink with its mode and its slaves' state" bond_status
guest 15 xenbr10
ip -n g15 address add 10.81.0.15/24 dev eth0
check "a guest on xenbr10 (VLAN 10 of bond0): online succeeds" online_ok 15
check "the guest on xenbr10 reaches VLAN 10 of the lan through the bond" pings g15 10.81.0.1
check "the guest on xenbr10 does not reach VLAN 20" no_ping g15 10.82.0.1
ip -n lan5 link set u6 down
active_is() { [ "$(cat /sys/class/net/bond0/bonding/active_slave)" = "$1" ]; }
check "eth6 losing carrier: the bond fails over to eth7" waitfor 50 active_is eth7
check "after the failover the guest still reaches VLAN 10" pings g15 10.81.0.1
bhealthy() { local out; out=$(nmb3 status) && grep -q '^xenbr10 .*ok (1 of 2 slaves up)$' <<< "$out" && carrier_is bond0.10 1 || { echo "$out"; return 1; }; }
check "after the failover xenbr10's uplink keeps carrier and status says healthy (no balancer move is due)" bhealthy
# The balancer: a guest of pool bp (xenbr20 on bond0's VLAN 20, xenbr9 on bond1) placed on xenbr20 stays there while
# bond0 has a slave (rebalancing is off: max_moves_per_minute = 0), and is failed over to xenbr9 when bond0 loses its
# last one (failover never waits for the move limit).
guest 16 pool:bp
online3() { CONF=$CONF3 RUNDIR=$W/run3 online_ok "$@"; }
check "a pool:bp guest: online succeeds" online3 16
check "the pool:bp guest is on xenbr20 (least-loaded ties go to the pool's first bridge)" on_bridge vif16.0 xenbr20
no_move() { nmb3 balance && on_bridge vif16.0 xenbr20; }
check "one of bond0's two slaves without carrier: a balance pass leaves the guest on xenbr20" no_move
ip -n lan5 link set u7 down
check "both slaves without carrier: the bond and its VLAN devices lose carrier" waitfor 50 carrier_is bond0.10 0
bunhealthy() { ! nmb3 status >/dev/null 2>&1; }
check "both slaves without carrier: status reports xenbr10 unhealthy" bunhealthy
check "both slaves without carrier: a balance pass succeeds" nmb3 balance
check "the balancer failed the pool:bp guest over to xenbr9 (on bond1)" on_bridge vif16.0 xenbr9
offline3() { CONF=$CONF3 RUNDIR=$W/run3 hp offline "$@"; }
check "offline of the pool:bp guest" offline3 16
ip -n lan5 link set u6 up
ip -n lan5 link set u7 up
check "eth6 back: the bond returns to its primary" waitfor 50 active_is eth6
check "offline of the xenbr10 guest" hp offline 15
diag nmb3 stop --dry-run
check "network-multibridge stop takes apart the bridges and the bonds" nmb3 stop
check "stop deleted the bridges, bond0.10, bond0.20, bond0 and bond1" bash -c "for d in xenbr10 xenbr20 xenbr9 bond0.10 bond0.20 bond0 bond1; do ! ip link show dev \$d >/dev/null 2>&1 || { echo \$d exists; exit 1; }; done"
bsame() { local now; now=$(bsnap); [ "$now" = "$BBEFORE" ] || { printf 'before:\n%s\nafter:\n%s\n' "$BBEFORE" "$now"; return 1; }; }
check "after stop eth6..eth9 are exactly as before (names, MACs, up/down, MTU, dom0's address on eth6)" bsame
check "dom0 reaches the lan on eth6 again" ping -c 1 -W 2 10.80.0.1
bkill() {
	local n=1 pid
	while [ $n -lt 80 ]; do
		XEN_MULTIBRIDGE_CONFIG=$CONF3 XEN_MULTIBRIDGE_RUNDIR=$W/run3 XEN_MULTIBRIDGE_SYSLOG=$W/no-syslog XENHOTPLUG_TEST_STOP_AT=$n network-multibridge start > "$W/bstop.log" 2>&1 &
		pid=$!
		until stopped $pid || ! kill -0 $pid 2>/dev/null; do sleep 0.05; done
		if ! stopped $pid; then
			wait $pid || { echo "the unstopped start failed: $(cat "$W/bstop.log")"; return 1; }
			echo "bond start ran to its end at step $n" >> "$DIAG"
			nmb3 stop > "$W/boff.log" 2>&1 || { echo "the last stop failed: $(cat "$W/boff.log")"; return 1; }
			bsame || return 1
			break
		fi
		kill -9 $pid; wait $pid 2>/dev/null
		# The next run (stop) rolls the killed start back first thing, then has nothing to stop.
		nmb3 stop > "$W/boff.log" 2>&1 || { echo "stop after a kill at step $n failed: $(cat "$W/boff.log")"; return 1; }
		bsame || { echo "after a kill at step $n ($(grep -o 'before step.*' "$W/bstop.log"))"; return 1; }
		n=$((n + 1))
	done
	[ $n -gt 10 ] || { echo "only $n steps"; return 1; }
	echo "bond start killed at each of $((n - 1)) steps" >> "$DIAG"
}
check "a kill before every step of start (bonds, VLAN devices, bridges): the next run restores eth6..eth9 exactly" bkill
check "dom0 reaches the lan on eth6 after the kills" ping -c 1 -W 2 10.80.0.1

# --- timing ---------------------------------------------------------------------------------------------
time_online() {
	local s e
	hp offline 1 >/dev/null 2>&1
	s=$(date +%s%N); hp online 1 >/dev/null 2>&1 || return 1; e=$(date +%s%N)
	echo "online of a vlan=10 NIC under TCG: $(( (e - s) / 1000000 )) ms" >> "$DIAG"
}
check "a VLAN online under TCG is timed (see the diagnostics)" time_online
echo "scenario: $((SECONDS - T0)) s" >> "$DIAG"
finish
