using System.Globalization;
using Serilog;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;
using XenHotplug.Host.CommandLine;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// Moves one guest port to another bridge: one rtnetlink request (IFLA_MASTER), which the kernel carries out
/// whole under its own lock — a balancer killed at any moment leaves the vif on exactly one bridge. The vif keeps
/// its name, MAC and MTU (so rules naming it, such as anti-spoof ebtables/nftables rules, keep applying); the
/// bridge-port flags (learning, flooding, hairpin, isolation, ...) are copied to the new port; an emulated twin
/// (vifD.N-emu, or VIFNAME-emu carrying the same xen-vif-D.N alias as a renamed vif) moves with its vif; the new
/// bridge forgets the guest's MAC if it had learnt it on its uplink (from the guest's broadcasts that came round
/// through the lan while it was on the old bridge: until the guest spoke again, that stale entry dropped every
/// frame for it arriving by that uplink); on a bridge with vlan_filtering = 1 the port's VLANs (PVID, untagged,
/// tagged) are copied from the old port; then the guest's MAC is announced on the new uplink.
/// </summary>
public sealed class PortMover(ISysfsNet sysfs, INetworkRunner runner, ILogger log, string root = "/sys/class/net")
{
    private static readonly string[] PortFlags =
        ["learning", "unicast_flood", "multicast_flood", "broadcast_flood", "hairpin_mode", "isolated", "bpdu_guard", "root_block", "proxyarp", "neigh_suppress", "multicast_to_unicast"];

    /// <summary>
    /// Carries out the move; false (logged) when the vif is gone or not where the plan thought. <paramref name="intent"/>
    /// is given the move's intent (the ports' flags as they are now) before anything changes: the caller records it,
    /// so a balancer killed between the steps leaves what <see cref="Finish"/> needs to complete the move.
    /// </summary>
    public bool Move(Move move, string? mac, string? uplink, bool announce, Action<PendingMove>? intent = null)
    {
        var master = sysfs.Master(move.Vif);
        if (master != move.From)
        {
            log.Information("not moving {Vif}: it is {Where} now", move.Vif, master is null ? "on no bridge (or gone)" : "on " + master);
            return false;
        }
        var flags = ReadFlags(move.Vif);
        var vlans = Vlans(move, move.Vif);
        var twin = move.Vif + VifNames.TapSuffix;
        var hasTwin = sysfs.Master(twin) == move.From && IsTwin(move.Vif, twin);
        var twinFlags = hasTwin ? ReadFlags(twin) : null;
        var twinVlans = hasTwin ? Vlans(move, twin) : null;
        intent?.Invoke(new PendingMove(move.Vif, move.From, move.To) { Flags = flags, Twin = hasTwin ? twin : null, TwinFlags = twinFlags });
        try
        {
            runner.Run([new LinkSetMaster(move.Vif, move.To)]);
        }
        catch (NetOpException e)
        {
            // The kernel detaches before it attaches: if the attach failed, put the vif back where it was.
            if (sysfs.Master(move.Vif) is null && sysfs.Exists(move.Vif))
                runner.Run([new LinkSetMaster(move.Vif, move.From)], keepGoing: true);
            log.Warning("cannot move {Vif} {From} -> {To}: {Error}", move.Vif, move.From, move.To, e.Error);
            return false;
        }
        TestPause.At("moved");
        WriteFlags(move.Vif, flags);
        CopyVlans(move, move.Vif, vlans);
        if (hasTwin)
        {
            TestPause.At("twin");
            runner.Run([new LinkSetMaster(twin, move.To)], keepGoing: true);
            WriteFlags(twin, twinFlags!);
            CopyVlans(move, twin, twinVlans);
        }
        log.Information("moved {Vif} {From} -> {To}: {Reason}", move.Vif, move.From, move.To, move.Reason);
        if (mac is not null && uplink is not null) ForgetStale(move, mac, uplink);
        if (announce && mac is not null && uplink is not null)
        {
            var index = IfIndex(uplink);
            var problem = index is null ? $"{uplink} has no ifindex" : MacAnnouncer.Announce(uplink, mac, index.Value);
            if (problem is not null) log.Warning("cannot announce {Mac} of {Vif} on {Uplink}: {Problem}", mac, move.Vif, uplink, problem);
        }
        return true;
    }

    /// <summary>
    /// Completes a move a killed balancer left half done, from its recorded intent: a vif found on the new bridge gets
    /// its old flags back (the kernel gave the new port its defaults), its twin follows it and gets its flags too. A vif
    /// still on the old bridge was never moved (its flags are intact); a vif elsewhere or gone has moved on since.
    /// </summary>
    public void Finish(PendingMove pending)
    {
        var where = sysfs.Master(pending.Vif);
        if (where != pending.To)
        {
            log.Debug("interrupted move of {Vif} {From} -> {To}: it is {Where}, nothing to finish", pending.Vif, pending.From, pending.To, where ?? "on no bridge (or gone)");
            return;
        }
        WriteFlags(pending.Vif, pending.Flags);
        if (pending.Twin is { } twin && pending.TwinFlags is { } twinFlags && IsTwin(pending.Vif, twin))
        {
            if (sysfs.Master(twin) == pending.From) runner.Run([new LinkSetMaster(twin, pending.To)], keepGoing: true);
            if (sysfs.Master(twin) == pending.To) WriteFlags(twin, twinFlags);
        }
        log.Information("finished the interrupted move of {Vif} {From} -> {To}: bridge-port flags restored{Twin}", pending.Vif, pending.From, pending.To,
            pending.Twin is null ? "" : $", {pending.Twin} with it");
    }

    /// <summary>True when the bridge filters by VLAN (a kernel without CONFIG_BRIDGE_VLAN_FILTERING has no such file).</summary>
    private bool Filtering(string bridge)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, bridge, "bridge", "vlan_filtering")).Trim() == "1";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The port's VLANs before a move to a vlan_filtering bridge from another one (null: nothing to copy).</summary>
    private List<PortVlan>? Vlans(Move move, string port)
    {
        if (!Filtering(move.To)) return null;
        if (!Filtering(move.From))
        {
            log.Warning("{Port}: {To} filters by VLAN but {From} does not: the port gets {To}'s default VLAN", port, move.To, move.From);
            return null;
        }
        try
        {
            using var rtnl = new RtnetlinkSocket();
            return IfIndex(port) is { } index ? rtnl.PortVlans(index).Select(v => PortVlan.FromKernel(v.Flags, v.Vid)).ToList() : null;
        }
        catch (NetlinkException e)
        {
            log.Warning("{Port}: cannot read its VLANs on {From}: {Error}", port, move.From, e.Message);
            return null;
        }
    }

    /// <summary>Gives the moved port the VLANs it had (<see cref="VlanCopy"/>); each failure is logged, the rest still done.</summary>
    private void CopyVlans(Move move, string port, List<PortVlan>? old)
    {
        if (old is null || IfIndex(port) is not { } index) return;
        try
        {
            using var rtnl = new RtnetlinkSocket();
            var plan = VlanCopy.For(old, rtnl.PortVlans(index).Select(v => PortVlan.FromKernel(v.Flags, v.Vid)).ToList());
            foreach (var (vlan, add) in plan.Add.Select(v => (v, true)).Concat(plan.Delete.Select(v => (v, false))))
            {
                try
                {
                    rtnl.SetPortVlan(index, vlan.Flags, vlan.Vid, add);
                }
                catch (NetlinkException e)
                {
                    log.Warning("{Port} on {To}: cannot {Action} VLAN {Vlan}: {Error}", port, move.To, add ? "add" : "delete", vlan, e.Message);
                }
            }
            if (!plan.IsEmpty) log.Information("{Port} on {To}: VLANs {Vlans} as on {From}", port, move.To, string.Join(", ", old), move.From);
        }
        catch (NetlinkException e)
        {
            log.Warning("{Port} on {To}: cannot copy its VLANs: {Error}", port, move.To, e.Message);
        }
    }

    /// <summary>The tap is this vif's emulated twin: libxl's names of one NIC, or the alias a rename gave both.</summary>
    private bool IsTwin(string vif, string twin)
    {
        if (BalanceSurvey.Identity(vif, null) is { Emulated: false } && BalanceSurvey.Identity(twin, null) is { Emulated: true }) return true;
        var alias = sysfs.InterfaceAlias(vif);
        return alias is not null && alias.StartsWith(GuestPorts.AliasPrefix, StringComparison.Ordinal) && sysfs.InterfaceAlias(twin) == alias;
    }

    /// <summary>Drops the new bridge's entry for the guest's MAC on its uplink, if it learnt one there.</summary>
    private void ForgetStale(Move move, string mac, string uplink)
    {
        if (MacAnnouncer.ParseMac(mac) is not { } bytes || IfIndex(uplink) is not { } index) return;
        try
        {
            using var rtnl = new RtnetlinkSocket();
            if (rtnl.ForgetBridgeAddress(index, bytes))
                log.Debug("{Bridge} forgot {Mac} on {Uplink} (learnt while {Vif} was on {From})", move.To, mac, uplink, move.Vif, move.From);
        }
        catch (NetlinkException e)
        {
            log.Warning("{Bridge}: cannot forget {Mac} on {Uplink}: {Error}", move.To, mac, uplink, e.Message);
        }
    }

    private Dictionary<string, string> ReadFlags(string dev)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var flag in PortFlags)
        {
            try
            {
                flags[flag] = File.ReadAllText(Path.Combine(root, dev, "brport", flag)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // an older kernel without this flag
            }
        }
        return flags;
    }

    private void WriteFlags(string dev, Dictionary<string, string> flags)
    {
        foreach (var (flag, value) in flags)
        {
            var file = Path.Combine(root, dev, "brport", flag);
            try
            {
                if (File.ReadAllText(file).Trim() != value) File.WriteAllText(file, value + "\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Warning("{Vif}: cannot restore bridge-port flag {Flag}={Value}: {Error}", dev, flag, value, e.Message);
            }
        }
    }

    private int? IfIndex(string dev)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(root, dev, "ifindex")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
