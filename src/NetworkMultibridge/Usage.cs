namespace XenHotplug.NetworkMultibridge;

/// <summary>The --help text and the usage line of network-multibridge.</summary>
internal static class Usage
{
    public const string Line = "Usage: network-multibridge [OPTION]... start|stop|restart|status|render FORMAT|suggest|balance|watch|top [netdev=ethN] [bridge=xenbrN] [vifnum=N]\n";

    public const string Help = Line + """

        Create, tear down and report every bridge the host configuration declares (a replacement for
        Xen's network-bridge), or write the distribution's own configuration for them. Without
        netdev=/bridge=/vifnum= every [bridge:NAME] of the configuration is acted on; with them (xend's
        network-script call) only that one bridge, declared or not.

        Commands:
          start      create each bridge (STP off, forward delay 0, MTU), give it the uplink's MAC,
                     enslave the uplink and move its IPv4/IPv6 addresses and routes onto the bridge
                     (not SLAAC addresses or 'proto ra' routes: the bridge autoconfigures its own).
                     Refuses a bridge whose uplink another tool configures: a DHCP lease (finite
                     valid_lft, 'proto dhcp' route, a DHCP client running for it), NetworkManager,
                     systemd-networkd or ifupdown (use 'render' for those hosts, or --force)
          stop       the exact reverse: addresses and routes back on the NIC, bridge deleted;
                     refuses a bridge while guest vifs are attached (see --force)
          restart    stop, then start
          status     table of bridges: BRIDGE UPLINK CARRIER SPEED ADDRESSES GUESTS POOL HEALTH
                     (and TRAFFIC before HEALTH while watch measures); unhealthy also when the bridge
                     lost an address or default route start moved onto it; the last line names the
                     configuration file read
          render FORMAT
                     print (or with --output write) the distribution's configuration for every
                     bridge: FORMAT networkd (/etc/systemd/network), ifupdown
                     (/etc/network/interfaces.d) or nm (NetworkManager keyfiles); the uplink's MAC,
                     MTU, DHCP or static addresses and routes; changes nothing
          suggest    print a multibridge.ini for the physical NICs with carrier (a template to edit)
          balance    one balancing pass over the pools with shared_segment = yes: measure each guest
                     vif's traffic for [balancer] interval seconds, then move guests off bridges whose
                     uplink lost its carrier, back home (failback = yes), and from bridges above
                     [balancer] threshold times their fair share of the traffic (--dry-run: print only)
          watch      the balancing service: fails over the moment an uplink loses its carrier (link
                     events), rebalances every [balancer] interval seconds; runs until SIGTERM;
                     with [metrics] textfile = PATH it rewrites that file (atomically) after every
                     pass with the metrics of status --format prometheus
          top        live view: each bridge's uplink rates and load, the guests by traffic, the
                     balancer's last moves, refreshed every [balancer] interval seconds; q or
                     Ctrl-C quits; when stdout is no terminal, one screen as plain text

        Each bridge is started, stopped or rendered on its own: a refused one is reported on its own
        line and left exactly as it is, the others are done.

        Options:
          --json             status: print JSON for tools
          --format FORMAT    status: table (the default), json (as --json) or prometheus (the
                             metrics in Prometheus' text exposition format, see network-multibridge(8);
                             exit status 0 once written: the health is among the metrics)
          --firewall         status: list the guest vifs antispoof guards (bridge, mode, rules,
                             packets dropped) from the kernel's table bridge xen_multibridge
                             (needs root)
          -f, --force        start: move a dynamic or managed uplink's addressing anyway;
                             stop, restart: detach guest vifs first instead of refusing
          -n, --dry-run      print the plan (ip commands) and change nothing
          -o, --output DIR   render: write the files into DIR instead of printing them
          -v, --verbose      log more (informational messages also on stderr)
          -h, --help         show this help and exit
              --version      show the version and exit

        Every change is journaled in the run directory before it is made; a failure rolls the network
        back to its exact previous state, and a run killed mid-way is repaired by the next start or stop.
        start, stop, balance and watch need root (not with --dry-run); status, render and suggest do not.
        Logs: syslog facility daemon (journalctl -t network-multibridge) and stderr.

        Configuration file:
          /etc/xen/multibridge.ini, sections [bridge:NAME] uplink=ethN mtu=N, [pool:NAME] bridges=...,
          [network] naming=xenbr|legacy (legacy: the NIC ethN becomes pethN and the bridge is named ethN),
          [hotplug] run_dir=/run/xen-multibridge, [policy] antispoof=off|mac|ip|dhcp|disabled. See multibridge.ini(5) and network-multibridge(8).

        Environment:
          XEN_MULTIBRIDGE_CONFIG           configuration file to read instead of /etc/xen/multibridge.ini
          XEN_MULTIBRIDGE_RUNDIR           run directory (lock and journal), default /run/xen-multibridge
          XEN_MULTIBRIDGE_<Section>__<Key> overrides one configuration value
          XEN_MULTIBRIDGE_SYSLOG           syslog socket, default /dev/log

        Exit status (start, stop, restart, render):
          0  every bridge done
          1  nothing done: no bridge could be done, the configuration is unreadable or invalid, not
             root (nothing changed for a refused bridge; a failure half-way is rolled back)
          2  bad usage
          3  partial: some bridges done, the others refused (each reported on stderr)
        Exit status (status, LSB):
          0  every declared bridge healthy (also when none is declared)
          2  bad usage
          3  a declared bridge is missing or unhealthy
          4  the configuration is unreadable or invalid, or the state could not be read
        Exit status (suggest, --help, --version): 0, or 2 for bad usage.

        """;

    /// <summary>Reports a usage error the same way in both executables: the problem, the usage line, where help is; exit status 2.</summary>
    public static int Error(string message)
    {
        Console.Error.Write($"{Program.Name}: {message}\n{Line}Try '{Program.Name} --help' for more information.\n");
        return 2;
    }
}
