#!/bin/sh
# Runs in the VM from the image's xmb-preinit, before systemd would start (root read-write, /proc and /dev
# mounted): the kernel tier's whole run. Installs the product as an administrator does (dpkg -i), runs
# scenario.sh, and powers the VM off, so systemd never starts (nothing of the image's boot is needed).
P=/var/lib/xmb/payload
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t sysfs sysfs /sys 2>/dev/null
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs tmpfs /tmp
mkdir -p /run/netns /run/lock
hostname xmb-kernel
ip link set lo up
dpkg -i "$P"/xen-multibridge_*.deb > /var/lib/xmb/dpkg.log 2>&1 || { echo "setup: dpkg -i failed:"; tail -n 20 /var/lib/xmb/dpkg.log; }
bash "$P/scenario.sh" > /var/lib/xmb/scenario.log 2>&1
echo "setup: scenario.sh exited $?"
sync
poweroff -f -f 2>/dev/null
echo o > /proc/sysrq-trigger
sleep 30
