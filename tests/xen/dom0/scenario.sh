#!/bin/bash
# The real-Xen scenario of `make test-xen`, run in dom0 by xmb-scenario.service once systemd is up
# (xen, xen-multibridge and xendomains have run). One line per check, "PASS name" or "FAIL name: why";
# the results and diagnostics go to the third disk (/dev/vdc) for the host, then the VM powers off.
set -u
# The package puts its programs in /usr/lib/xen-multibridge and /etc/xen/scripts (not on PATH).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/etc/xen/scripts
RES=/var/lib/xmb/results.txt
DIAG=/var/lib/xmb/diag.txt
: > "$RES"; : > "$DIAG"
CONLOG=/var/log/xen/console
T0=$SECONDS

# Each result goes to the results disk at once, so a run cut short by the time limit still reports.
flush() { { echo "XMB-RESULTS-BEGIN"; cat "$RES"; } > /var/lib/xmb/partial.txt; dd if=/var/lib/xmb/partial.txt of=/dev/vdc conv=fsync status=none; }
ok() { echo "PASS $1" | tee -a "$RES"; flush; }
ko() { echo "FAIL $1${2:+: $2}" | tee -a "$RES"; flush; }
# check NAME COMMAND...: PASS when the command succeeds; the failure detail is its last output lines.
check() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then ok "$name"; else ko "$name" "$(printf '%s' "$out" | tail -n 4 | tr '\n' ' ')"; fi
}
# require NAME COMMAND...: a check the rest depends on; when it fails the scenario reports and stops.
require() {
	local before; before=$(grep -c '^FAIL' "$RES")
	check "$@"
	if [ "$(grep -c '^FAIL' "$RES")" -gt "$before" ]; then
		ko "scenario stopped after a failed prerequisite"
		journalctl -b --no-pager -u xen-multibridge -u xmb-uplinks -u xen -u xendomains | tail -n 40
		finish
	fi
}
# waitfor SECONDS COMMAND...: polls every 2 s until the command succeeds.
waitfor() {
	local end=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 2
	done
}
diag() { { echo "===== $*"; "$@" 2>&1; } >> "$DIAG"; }
note() { echo "# $*" | tee -a "$DIAG"; }

domid() { xl domid "$1" 2>/dev/null; }
bridge_of() { local b; b=$(readlink "/sys/class/net/$1/brport/bridge" 2>/dev/null) || return 1; echo "${b##*/}"; }
hpstatus() { xenstore-read "/local/domain/0/backend/vif/$1/$2/hotplug-status" 2>/dev/null; }
connected() { [ "$(hpstatus "$1" "$2")" = connected ]; }
on_bridge() { [ "$(bridge_of "$1")" = "$2" ]; }
on_pool_bridge() { local b; b=$(bridge_of "$1") && { [ "$b" = xenbr0 ] || [ "$b" = xenbr1 ]; }; }
gone() { [ ! -e "/sys/class/net/$1" ]; }
no_backend() { ! xenstore-exists "/local/domain/0/backend/vif/$1/$2" 2>/dev/null; }
no_domain() { ! xenstore-exists "/local/domain/$1" 2>/dev/null; }
vifs_on() { bridge link show 2>/dev/null | awk -v b="$1" '$0 ~ ("master " b " ") && $2 ~ /^vif/ { sub(":", "", $2); sub("@.*", "", $2); print $2 }'; }
count_on() { vifs_on "$1" | wc -l; }
# Guest console logs (xenconsoled --log=guest) have CRLF line ends.
console_has() { tr -d '\r' < "$CONLOG/guest-$1.log" 2>/dev/null | grep -q -- "$2"; }
subnet_of() { case $1 in xenbr0) echo 192.0.2 ;; xenbr1) echo 198.51.100 ;; xenbr2|xenbr3) echo 203.0.113 ;; esac; }
create() { # create NAME: xl create with its time measured
	local name=$1 s=$SECONDS out
	if out=$(xl create "/etc/xen/xmb/$name.cfg" 2>&1); then
		ok "xl create $name ($((SECONDS - s)) s)"
	else
		ko "xl create $name" "$(printf '%s' "$out" | tail -n 4 | tr '\n' ' ')"
	fi
	echo "$out" >> "$DIAG"
}
finish() {
	note "scenario took $((SECONDS - T0)) s"
	diag cat /var/lib/xmb/setup.log
	diag xl list
	diag bridge link show
	diag ip -br addr
	diag ip -d link show
	diag network-multibridge status
	diag sh -c 'time network-multibridge status >/dev/null'
	diag sh -c 'strace -f -c -o /tmp/status.strace network-multibridge status >/dev/null; sort -k2 -n -r /tmp/status.strace | head -n 15'
	diag sh -c 'strace -f -tt -e trace=!futex,mmap,munmap,mprotect,madvise -o /tmp/status.trace network-multibridge status >/dev/null; head -c 60000 /tmp/status.trace'
	diag xenstore-ls -fp /local/domain/0/backend/vif
	diag xenstore-ls -fp /libxl
	diag sh -c 'for f in /run/xmb-env/*; do echo "--- $f"; cat "$f"; done'
	diag journalctl -b --no-pager -o short-monotonic -t vif-multibridge -t network-multibridge
	diag journalctl -b --no-pager -o short-monotonic -u xen-multibridge -u xendomains -u xen -u xmb-uplinks
	diag sh -c 'systemctl show -p ActiveEnterTimestampMonotonic -p InactiveExitTimestampMonotonic -p ExecMainStartTimestampMonotonic -p ExecMainExitTimestampMonotonic xen-multibridge xendomains xen'
	diag sh -c 'systemctl cat xendomains xen 2>&1 | head -n 80'
	diag sh -c 'for f in /var/log/xen/*.log '"$CONLOG"'/*.log; do echo "--- $f"; tail -n 60 "$f"; done'
	diag xl dmesg
	{
		echo "XMB-RESULTS-BEGIN"
		cat "$RES"
		echo "XMB-RESULTS-END"
		cat "$DIAG"
	} > /var/lib/xmb/out.txt
	dd if=/var/lib/xmb/out.txt of=/dev/vdc bs=1M conv=fsync status=none
	sync
	systemctl poweroff --no-block
	exit 0
}

note "scenario starts $(cut -d' ' -f1 /proc/uptime) s after boot"

# --- the product installed as an administrator does, brought up by systemd --------------------
check "package xen-multibridge installed by dpkg" sh -c '[ "$(dpkg-query -W -f "\${Status}" xen-multibridge)" = "install ok installed" ]'
check "xen-multibridge.service enabled" systemctl is-enabled --quiet xen-multibridge.service
require "xen-multibridge.service active" systemctl is-active --quiet xen-multibridge.service
check "xenstored is oxenstored" pgrep -x oxenstored
require "network-multibridge start: eth0 is a port of xenbr0" on_bridge eth0 xenbr0
check "network-multibridge start: eth1 is a port of xenbr1" on_bridge eth1 xenbr1
check "network-multibridge start: s2 is a port of xenbr2, s3 of xenbr3 (pool seg)" sh -c 'readlink /sys/class/net/s2/brport/bridge | grep -q "/xenbr2$" && readlink /sys/class/net/s3/brport/bridge | grep -q "/xenbr3$"'
check "network-multibridge start left the LAN bridge lan0 (not declared) alone" sh -c 'ip -4 -o addr show dev lan0 | grep -q 203.0.113.1/ && [ "$(ls /sys/class/net/lan0/brif | sort | tr "\n" " ")" = "l2 l3 " ]'
check "network-multibridge start: 192.0.2.1 moved from eth0 to xenbr0" sh -c 'ip -4 -o addr show dev xenbr0 | grep -q 192.0.2.1/ && ! ip -4 -o addr show dev eth0 | grep -q inet'
check "network-multibridge start: 198.51.100.1 moved from eth1 to xenbr1" sh -c 'ip -4 -o addr show dev xenbr1 | grep -q 198.51.100.1/ && ! ip -4 -o addr show dev eth1 | grep -q inet'

mb_up=$(systemctl show -p ActiveEnterTimestampMonotonic --value xen-multibridge.service)
xd_start=$(systemctl show -p InactiveExitTimestampMonotonic --value xendomains.service)
note "xen-multibridge active at ${mb_up} us, xendomains started at ${xd_start} us (monotonic)"
check "systemd: bridges up before xendomains starts guests" test "${mb_up:-0}" -gt 0 -a "${xd_start:-0}" -gt 0 -a "${mb_up:-0}" -le "${xd_start:-0}"

# --- the /etc/xen/auto guest started by xendomains at boot ------------------------------------
require "xendomains started auto1 at boot" waitfor 60 domid auto1
A=$(domid auto1); A=${A:-none}
check "auto1 (xendomains) vif$A.0 connected on a pool bridge" waitfor 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$A/0/hotplug-status)\" = connected ] && readlink /sys/class/net/vif$A.0/brport/bridge | grep -q 'xenbr[01]$'"

# --- the control: stock vif-bridge on the same boot ---------------------------------------------
# First, while dom0 is quiet: libxl kills a hotplug script after 40 s, and the bash vif-bridge (a
# dozen processes per run) comes near that under TCG once several guests run.
create ctl
c=$(domid ctl); c=${c:-none}
check "ctl (script=vif-bridge) vif$c.0 connected" waitfor 30 connected "$c" 0
check "ctl (script=vif-bridge) vif$c.0 on xenbr1" on_bridge "vif$c.0" xenbr1

# --- guests into the least-loaded pool (xl.conf vif.default.bridge="pool:default") ------------
for g in g1 g2 g3; do create "$g"; done
for g in g1 g2 g3; do
	d=$(domid "$g"); d=${d:-none}
	check "$g vif$d.0 hotplug-status connected" waitfor 30 connected "$d" 0
	check "$g vif$d.0 is on a pool bridge ($(bridge_of vif$d.0))" on_pool_bridge "vif$d.0"
done
# least-loaded counts every guest vif on a bridge: auto1 + ctl (pinned to xenbr1) + g1..g3 = 5, so 3/2 or 2/3.
n0=$(count_on xenbr0); n1=$(count_on xenbr1)
check "least-loaded split (bridge link): xenbr0=$n0 xenbr1=$n1 guest vifs (want 5 in all, 3/2 or 2/3)" test $((n0 + n1)) -eq 5 -a $((n0 - n1)) -le 1 -a $((n1 - n0)) -le 1
status=$(network-multibridge status 2>&1); st=$?
echo "$status" >> "$DIAG"
missing=
for v in $(vifs_on xenbr0) $(vifs_on xenbr1); do grep -q "$v" <<< "$status" || missing="$missing $v"; done
check "network-multibridge status lists every guest vif${missing:+ (missing:$missing)}" test $st -eq 0 -a -z "$missing"
d=$(domid g1); d=${d:-none}
check "libxl ran vif-multibridge with XENBUS_PATH and our hooks (vif$d.0)" grep -q '^XENBUS_PATH=' "/run/xmb-env/vif$d.0.online.env"

# The guests of the anti-spoofing and balancer checks below boot while the traffic checks run.
for g in sp spf mv; do create "$g"; done

# --- traffic: guests reach dom0 and each other (guest consoles), dom0 reaches guests --------------
declare -A ID=([auto1]=10 [g1]=11 [g2]=12 [g3]=13 [ctl]=20)
declare -A BR
for g in auto1 g1 g2 g3 ctl; do d=$(domid "$g") && BR[$g]=$(bridge_of "vif$d.0"); done
for g in auto1 g1 g2 g3 ctl; do
	net=$(subnet_of "${BR[$g]:-none}")
	check "$g reaches dom0 ${net:-?}.1 over ${BR[$g]:-?} (guest console)" waitfor 180 console_has "$g" "PINGOK ${net:-x}.1\$"
	check "dom0 reaches $g at ${net:-?}.${ID[$g]}" waitfor 20 ping -c 1 -W 2 "${net:-x}.${ID[$g]}"
done
for a in auto1 g1 g2 g3 ctl; do
	for b in auto1 g1 g2 g3 ctl; do
		[ "$a" != "$b" ] && [ -n "${BR[$a]:-}" ] && [ "${BR[$a]}" = "${BR[$b]:-}" ] || continue
		net=$(subnet_of "${BR[$a]}")
		check "$a reaches $b over ${BR[$a]} (guest console)" waitfor 60 console_has "$a" "PINGOK $net.${ID[$b]}\$"
	done
done

# --- anti-spoofing ([domain:sp*] antispoof = ip): real netback vifs behind nf_tables' bridge family ----
S=$(domid sp); S=${S:-none}; F=$(domid spf); F=${F:-none}
check "sp vif$S.0 hotplug-status connected on xenbr1 (antispoof = ip, ip=198.51.100.40)" waitfor 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$S/0/hotplug-status)\" = connected ] && readlink /sys/class/net/vif$S.0/brport/bridge | grep -q 'xenbr1$'"
check "spf vif$F.0 hotplug-status connected (antispoof = ip, ip=198.51.100.99)" waitfor 60 connected "$F" 0
fw=$(network-multibridge status --firewall 2>&1); echo "$fw" >> "$DIAG"
check "network-multibridge status --firewall lists the guards of vif$S.0 and vif$F.0" sh -c 'printf "%s\n" "$1" | grep -q "vif$2\.0" && printf "%s\n" "$1" | grep -q "vif$3\.0"' - "$fw" "$S" "$F"
check "sp (sends from 198.51.100.40, its ip=) reaches dom0 198.51.100.1 (guest console)" waitfor 180 console_has sp 'PINGOK 198.51.100.1$'
check "dom0 reaches sp at 198.51.100.40" waitfor 20 ping -c 1 -W 2 198.51.100.40
check "spf's eth0 is up in the guest (console)" waitfor 180 console_has spf 'XMB NIC eth0'
# spf sends from 198.51.100.41 while its ip= allows only 198.51.100.99: its guard drops its ARP and IPv4.
check "spf's guard drops what spf sends from 198.51.100.41 (nft counters)" waitfor 60 sh -c "nft list chain bridge xen_multibridge vif_vif${F}_2e0 | grep -E 'counter packets [1-9].* drop' | grep -q ."
check "dom0 does not reach spf at 198.51.100.41" sh -c '! ping -c 3 -W 1 198.51.100.41'
check "spf never reached dom0 (no PINGOK 198.51.100.1 on its console)" sh -c "! tr -d '\r' < $CONLOG/guest-spf.log | grep -q 'PINGOK 198.51.100.1'"
diag nft list table bridge xen_multibridge
check "xl destroy spf" xl destroy spf
check "after destroy: no nftables rule or map element names vif$F.0" waitfor 30 sh -c "! nft list table bridge xen_multibridge | grep -qE 'vif$F\.0|vif_vif${F}_2e0'"
check "after destroy: sp's guard (vif$S.0) is still there" sh -c "nft list table bridge xen_multibridge | grep -q 'vif$S\.0'"

# --- the balancer: failover in the shared-segment pool seg (xenbr2/xenbr3, both cabled to lan0) ------
M=$(domid mv); M=${M:-none}
check "mv vif$M.0 connected in pool seg" waitfor 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$M/0/hotplug-status)\" = connected ] && readlink /sys/class/net/vif$M.0/brport/bridge | grep -qE 'xenbr[23]$'"
from=$(bridge_of "vif$M.0"); case $from in xenbr2) to=xenbr3 ;; *) to=xenbr2 ;; esac
cable=l${from#xenbr}
check "mv reaches dom0 203.0.113.1 over ${from:-?} (guest console)" waitfor 180 console_has mv 'PINGOK 203.0.113.1$'
check "systemctl start xen-multibridge-balancer.service (network-multibridge watch)" systemctl start xen-multibridge-balancer.service
check "  ... watching pool seg" waitfor 60 sh -c "journalctl -b --no-pager -t network-multibridge | grep -q 'watching pools seg'"
# Unplug the LAN cable of mv's bridge: its uplink loses carrier; watch must move the vif at once.
ip link set "$cable" down
t0=$(date +%s%N); moved=
for _ in $(seq 1 200); do
	if [ "$(bridge_of "vif$M.0")" = "$to" ]; then moved=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
	sleep 0.05
done
check "carrier lost on ${from:-?}'s uplink: watch moved vif$M.0 to $to (${moved:-not within 10 s} ms after the unplug)" test -n "$moved"
check "  ... and logged it with the reason" waitfor 10 sh -c "journalctl -b --no-pager -t network-multibridge | grep -q 'moved vif$M.0 $from -> $to: carrier lost'"
check "  ... dom0 reaches mv at 203.0.113.50 over $to" waitfor 20 ping -c 1 -W 2 203.0.113.50
ip link set "$cable" up
check "  ... vif$M.0 is on exactly one bridge" sh -c "[ \$(bridge link show | grep -c 'vif$M\.0[:@ ]') -eq 1 ]"

# --- a second NIC at run time -----------------------------------------------------------------
d=$(domid g1); d=${d:-none}
check "xl network-attach g1 bridge=xenbr2" xl network-attach g1 mac=00:16:3e:00:01:11 bridge=xenbr2
check "g1 vif$d.1 connected on xenbr2" waitfor 30 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$d/1/hotplug-status)\" = connected ] && readlink /sys/class/net/vif$d.1/brport/bridge | grep -q 'xenbr2$'"
check "g1 sees eth1 and reaches dom0 203.0.113.1 over it" waitfor 120 console_has g1 'PINGOK 203.0.113.1$'
check "xl network-detach g1 1" xl network-detach g1 1
check "after network-detach: vif$d.1 gone and backend/vif/$d/1 removed" waitfor 30 sh -c "[ ! -e /sys/class/net/vif$d.1 ] && ! xenstore-exists /local/domain/0/backend/vif/$d/1"
check "after network-detach: no vif$d.1 port on any bridge" sh -c "! bridge link show | grep -q 'vif$d\.1[:@ ]'"

# --- vif-multibridge through /dev/xen/xenbus (no xenstored socket visible) ------------------------
d=$(domid g2); d=${d:-none}
unshare -m sh -c 'mount -t tmpfs none /run/xenstored && strace -f -qq -e trace=execve,openat,connect,clone,clone3,vfork -o /tmp/xenbus.trace xl network-attach g2 mac=00:16:3e:00:01:12 bridge=xenbr2' > /tmp/xenbus.out 2>&1
rc=$?
cat /tmp/xenbus.out >> "$DIAG"
check "xl network-attach with the xenstored socket hidden (exit $rc)" test $rc -eq 0
check "  ... vif$d.1 connected on xenbr2" waitfor 30 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$d/1/hotplug-status)\" = connected ] && readlink /sys/class/net/vif$d.1/brport/bridge | grep -q 'xenbr2$'"
# vif-multibridge's process and its threads (strace -f shows each thread by its own id).
vpids=$(awk '/execve\(".*vif-multibridge"/ && !/ENOENT/ && !p { p = $1; ids[p] = 1 }
	p && /clone3?\(|vfork\(/ && ($1 in ids) && $NF ~ /^[0-9]+$/ { ids[$NF] = 1 }
	END { for (i in ids) printf "%s ", i }' /tmp/xenbus.trace 2>/dev/null)
vre="^($(echo $vpids | tr ' ' '|')) "
grep -E "$vre" /tmp/xenbus.trace | grep -E 'xenbus|xenstored' >> "$DIAG"
check "  ... vif-multibridge (pids ${vpids:-?}) opened /dev/xen/xenbus" grep -qE "$vre+openat\(.*\"/dev/xen/xenbus\", O_RDWR.*= [0-9]+" /tmp/xenbus.trace
check "  ... and did not use a xenstored socket" sh -c "! grep -E '$vre+connect\(.*xenstored' /tmp/xenbus.trace | grep -qv ENOENT"
check "xl network-detach g2 1" xl network-detach g2 1
check "  ... vif$d.1 gone" waitfor 30 gone "vif$d.1"

# --- xl reboot ------------------------------------------------------------------------------------
old=$(domid g2); old=${old:-none}
check "xl reboot g2" xl reboot g2
check "g2 comes back with a new domid" waitfor 120 sh -c "d=\$(xl domid g2 2>/dev/null) && [ \"\$d\" != $old ]"
new=$(domid g2); new=${new:-none}
check "after reboot: old vif$old.0 gone, backend/vif/$old removed" waitfor 30 sh -c "[ ! -e /sys/class/net/vif$old.0 ] && ! xenstore-exists /local/domain/0/backend/vif/$old"
check "after reboot: vif$new.0 connected on a pool bridge" waitfor 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$new/0/hotplug-status)\" = connected ] && readlink /sys/class/net/vif$new.0/brport/bridge | grep -q 'xenbr[01]$'"
check "after reboot: g2 boots again and reaches dom0" waitfor 180 sh -c "[ \$(tr -d '\\r' < $CONLOG/guest-g2.log | grep -c 'XMB guest 12 up') -ge 2 ] && [ \$(tr -d '\\r' < $CONLOG/guest-g2.log | grep -c 'PINGOK .*\.1\$') -ge 2 ]"

# --- xl destroy: the offline path leaves nothing ----------------------------------------------------
d=$(domid g3); d=${d:-none}
check "xl destroy g3" xl destroy g3
check "after destroy: vif$d.0 gone" waitfor 30 gone "vif$d.0"
check "after destroy: no vif$d.* port on any bridge" sh -c "! bridge link show | grep -q 'vif$d\.'"
check "after destroy: backend/vif/$d and /local/domain/$d removed" waitfor 30 sh -c "! xenstore-exists /local/domain/0/backend/vif/$d && ! xenstore-exists /local/domain/$d"

# --- a broken configuration: xl create must fail with our hotplug-error ----------------------------
out=$(xl create /etc/xen/xmb/broken.cfg 2>&1); rc=$?
echo "$out" >> "$DIAG"
check "xl create with bridge=pool:nosuchpool fails (exit $rc)" test $rc -ne 0
check "  ... and xl prints vif-multibridge's hotplug-error" grep -q 'nosuchpool' <<< "$out"
note "broken create: $(grep -i 'nosuchpool' <<< "$out" | head -n 2 | tr '\n' ' ')"
check "  ... and leaves no domain behind" waitfor 30 sh -c '! xl domid broken'

# --- everything destroyed: nothing left; network-multibridge stop gives the addresses back --------
for g in auto1 g1 g2 ctl sp mv; do xl destroy "$g" >/dev/null 2>&1; done
check "all guests destroyed: no vif left in dom0" waitfor 30 sh -c '! ls /sys/class/net | grep -q "^vif"'
check "all guests destroyed: backend/vif empty in xenstore" waitfor 30 sh -c '[ -z "$(xenstore-list /local/domain/0/backend/vif 2>/dev/null)" ]'
check "all guests destroyed: no anti-spoofing guard left" sh -c '! nft list table bridge xen_multibridge 2>/dev/null | grep -q "vif[0-9]"'
check "systemctl stop xen-multibridge" systemctl stop xen-multibridge.service
check "network-multibridge stop: 192.0.2.1 back on eth0, xenbr0 gone" sh -c 'ip -4 -o addr show dev eth0 | grep -q 192.0.2.1/ && [ ! -e /sys/class/net/xenbr0 ]'
finish
