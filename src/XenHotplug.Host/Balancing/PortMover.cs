using System.Globalization;
using Serilog;
using XenHotplug.Core.Balancing;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// Moves one guest port to another bridge: one rtnetlink request (IFLA_MASTER), which the kernel carries out
/// whole under its own lock — a balancer killed at any moment leaves the vif on exactly one bridge. The vif keeps
/// its name, MAC and MTU (so rules naming it, such as anti-spoof ebtables/nftables rules, keep applying); the
/// bridge-port flags (learning, flooding, hairpin, isolation, ...) are copied to the new port; an emulated twin
/// (vifD.N-emu) moves with its vif; then the guest's MAC is announced on the new uplink.
/// </summary>
public sealed class PortMover(ISysfsNet sysfs, INetworkRunner runner, ILogger log, string root = "/sys/class/net")
{
    private static readonly string[] PortFlags =
        ["learning", "unicast_flood", "multicast_flood", "broadcast_flood", "hairpin_mode", "isolated", "bpdu_guard", "root_block", "proxyarp", "neigh_suppress", "multicast_to_unicast"];

    /// <summary>Carries out the move; false (logged) when the vif is gone or not where the plan thought.</summary>
    public bool Move(Move move, string? mac, string? uplink, bool announce)
    {
        var master = sysfs.Master(move.Vif);
        if (master != move.From)
        {
            log.Information("not moving {Vif}: it is {Where} now", move.Vif, master is null ? "on no bridge (or gone)" : "on " + master);
            return false;
        }
        var flags = ReadFlags(move.Vif);
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
        WriteFlags(move.Vif, flags);
        var twin = move.Vif + "-emu";
        if (sysfs.Master(twin) == move.From)
        {
            var twinFlags = ReadFlags(twin);
            runner.Run([new LinkSetMaster(twin, move.To)], keepGoing: true);
            WriteFlags(twin, twinFlags);
        }
        log.Information("moved {Vif} {From} -> {To}: {Reason}", move.Vif, move.From, move.To, move.Reason);
        if (announce && mac is not null && uplink is not null)
        {
            var index = IfIndex(uplink);
            var problem = index is null ? $"{uplink} has no ifindex" : MacAnnouncer.Announce(uplink, mac, index.Value);
            if (problem is not null) log.Warning("cannot announce {Mac} of {Vif} on {Uplink}: {Problem}", mac, move.Vif, uplink, problem);
        }
        return true;
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
