namespace XenHotplug.VifMultibridge;

/// <summary>The --help text and the usage line of vif-multibridge.</summary>
internal static class Usage
{
    public const string Line = "Usage: vif-multibridge online|offline|add|remove [type_if=vif|tap] [KEY=VALUE...] [--dry-run] [-v]\n       vif-multibridge explain DOMID DEVID\n";

    public const string Help = Line + """

        Attach a Xen guest's network interface to a bridge chosen by policy; a drop-in for
        /etc/xen/scripts/vif-bridge. libxl runs it as the vif-script for every guest NIC.

        Commands:
          online, offline     a netback vif (type_if=vif, the default)
          add, remove         the tap of an HVM guest's emulated NIC (type_if=tap)
          explain DOMID DEVID print which bridge would be chosen and why, and the plan; change nothing

        Options:
          --dry-run           with a command: print the decision and the plan, change nothing
          -v, --verbose       log debug messages too (stderr shows information messages)
          --help              show this help and exit
          --version           show the version and exit

        Environment (set by libxl; KEY=VALUE arguments override it):
          XENBUS_PATH         the backend node, e.g. backend/vif/3/0 (required for vifs)
          vif                 the vif's name, e.g. vif3.0 (required for vifs)
          INTERFACE           the tap's name, e.g. vif3.0-emu (required for taps)
          type_if             vif or tap; XENBUS_TYPE, XENBUS_BASE_PATH, netdev, script are accepted
          XENSTORED_PATH      the xenstored socket (default /var/run/xenstored/socket, then /dev/xen/xenbus)
          XEN_MULTIBRIDGE_CONFIG  the configuration file (default /etc/xen/multibridge.ini)
          XEN_MULTIBRIDGE_RUNDIR  locks and round-robin cursors (default /run/xen-multibridge)
          XEN_MULTIBRIDGE_<Section>__<Key>  override one configuration key

        xenstore: reads bridge, ip, mtu, vifname, mac, type under XENBUS_PATH; writes hotplug-status
        (connected) or hotplug-error and hotplug-status=error, and the frontend's mtu.
        Antispoof ([policy], [pool:NAME] or [domain:GLOB] antispoof = off|mac|ip|dhcp|disabled, default
        off): the NIC may send only from its mac= (mac), and also only from the addresses in ip= (ip; DHCP
        allowed, an empty ip= refuses the online; no router advertisements or DHCP server replies unless
        allow_router / allow_dhcp_server), or also from the addresses its DHCP server acks, learnt by
        the kernel (dhcp); disabled refuses the online. One nf_tables batch in table bridge
        xen_multibridge before the port comes up; removed at offline. explain prints the rules.
        isolated = yes (rule, pool or bridge): the port's bridge-port isolated flag.
        Hooks: executable *.hook files in [hotplug] hooks_dir are run (not sourced) after each action
        with dev, bridge, ip and command set; they (and a link's target) must be owned by root and not
        group/other-writable.
        Safety: vif (INTERFACE for a tap) must be XENBUS_PATH's device (backend/vif/D/V -> vifD.V);
        only that device, or one carrying its mark from a rename, is ever changed, never a bridge,
        an uplink or a link with addresses. Every run ends within [hotplug] deadline (25 s).
        Logs go to syslog (facility daemon, ident vif-multibridge) and stderr.

        Exit status: 0 success or nothing to do, 1 failure or refusal (hotplug-error written under
        XENBUS_PATH when it is this NIC's backend), 2 usage error in the options.
        See vif-multibridge(8) and multibridge.ini(5).

        """;

    /// <summary>Reports a usage error the same way in both executables: the problem, the usage line, where help is; exit status 2.</summary>
    public static int Error(string message)
    {
        Console.Error.Write($"{Program.Name}: {message}\n{Line}Try '{Program.Name} --help' for more information.\n");
        return 2;
    }
}
