#!/bin/sh
# Runs in dom0 from xmb-preinit, before systemd starts (root file system read-write, /proc mounted).
# Installs the product as an administrator would and prepares the scenario; see tests/xen/README.
set -eux
P=/var/lib/xmb/payload

# 1. The package, from `make deb`, and the unit enabled (its postinst only reloads systemd).
dpkg -i "$P"/xen-multibridge_*.deb
systemctl enable xen-multibridge.service

# 2. The host: two uplinks that exist only inside this VM (dummy NICs named like real ones, with the
#    addresses network-multibridge must move onto the bridges), and a "LAN switch" lan0 (a plain bridge,
#    not ours) cabled by veth pairs to the uplinks s2/s3 of the shared-segment pool's xenbr2/xenbr3; all
#    created before the unit runs.
install -m 0644 "$P/xmb-uplinks.service" /etc/systemd/system/xmb-uplinks.service
systemctl enable xmb-uplinks.service
install -m 0644 "$P/multibridge.ini" /etc/xen/multibridge.ini
# The udev race this tier found (see tests/xen/README.md) is fixed in the product: network-multibridge
# gives a new bridge its MAC at creation, which systemd-udevd's MACAddressPolicy=persistent leaves alone.
# Debian's stock udev policy stays in place so the tier proves it; XMB_KEEP_MAC_LINK=1 (passed by run.sh)
# installs the old work-around (MACAddressPolicy=none for xenbr*) for comparison.
if [ -e "$P/keep-mac-link" ]; then
	mkdir -p /etc/systemd/network
	printf '[Match]\nOriginalName=xenbr*\n\n[Link]\nMACAddressPolicy=none\n' > /etc/systemd/network/10-xenbr-keep-mac.link
fi

# 3. xl: the shipped snippet's two lines, as the README tells the administrator.
grep -v '^[[:space:]]*#' /usr/share/doc/xen-multibridge/examples/xl.conf.snippet | grep . >> /etc/xen/xl.conf

# 4. A hook that records the environment libxl gives the vif-script (for the report of differences).
mkdir -p /etc/xen/scripts/vif-post.d
install -m 0755 "$P/env.hook" /etc/xen/scripts/vif-post.d/env.hook

# 5. Guest console logs (xenconsoled --log=guest), no save/restore of guests at shutdown.
# (Debian's /etc/init.d/xen passes $XENCONSOLED_ARGS from /etc/default/xen to xenconsoled.)
mkdir -p /var/log/xen/console
echo 'XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console"' >> /etc/default/xen
sed -i -e 's/^XENDOMAINS_SAVE=.*/XENDOMAINS_SAVE=/' -e 's/^XENDOMAINS_RESTORE=.*/XENDOMAINS_RESTORE=false/' /etc/default/xendomains

# 6. Guests: one started at boot by xendomains (/etc/xen/auto), the others by the scenario.
mkdir -p /etc/xen/auto /etc/xen/xmb
guest() { # guest NAME ID VIF [EXTRA]
	sed -e "s/@NAME@/$1/" -e "s/@ID@/$2/" -e "s/@VIF@/$3/" -e "s/@EXTRA@/${4:-}/" "$P/guest.cfg.in" > "/etc/xen/xmb/$1.cfg"
}
for g in auto1:10 g1:11 g2:12 g3:13; do
	guest "${g%%:*}" "${g#*:}" "'mac=00:16:3e:00:00:${g#*:}'"
done
guest ctl 20 "'mac=00:16:3e:00:00:20,bridge=xenbr1,script=vif-bridge'"
guest broken 30 "'mac=00:16:3e:00:00:30,bridge=pool:nosuchpool'"
# Anti-spoofing ([domain:sp*] antispoof = ip): sp may send from its address, spf's ip= names another one.
# (On xenbr1: bridge=xenbr0 is the auto_bridge, which means "no bridge named", so the pool would place it.)
guest sp 40 "'mac=00:16:3e:00:00:40,bridge=xenbr1,ip=198.51.100.40'"
guest spf 41 "'mac=00:16:3e:00:00:41,bridge=xenbr1,ip=198.51.100.99'"
# The balancer: mv's only NIC in the shared-segment pool seg (xenbr2, xenbr3), on 203.0.113.0/24.
guest mv 50 "'mac=00:16:3e:00:00:50,bridge=pool:seg'" " xmb_eth0=203.0.113"
ln -s /etc/xen/xmb/auto1.cfg /etc/xen/auto/auto1.cfg

# 7. The scenario runs once the system is up, then powers the machine off.
install -m 0644 "$P/xmb-scenario.service" /etc/systemd/system/xmb-scenario.service
systemctl enable xmb-scenario.service
