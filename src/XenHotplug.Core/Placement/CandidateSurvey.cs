using XenHotplug.Core.Configuration;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Placement;

/// <summary>Looks at the host (sysfs only) for a pool's bridges: guest vifs attached and uplink health.</summary>
public static class CandidateSurvey
{
    public static List<BridgeCandidate> Survey(MultibridgeConfig config, PoolDeclaration pool, ISysfsNet sysfs) =>
        pool.Bridges.Select(name => Candidate(config, name, sysfs)).ToList();

    /// <summary>A declared bridge under the name it has on the host (see <see cref="MultibridgeConfig.BridgeInterface"/>).</summary>
    public static BridgeCandidate Candidate(MultibridgeConfig config, string declared, ISysfsNet sysfs)
    {
        var declaration = config.FindBridge(declared);
        var name = config.BridgeInterface(declared);
        var uplink = config.UplinkPort(declared);
        var exists = sysfs.Exists(name);
        var weight = declaration?.Weight ?? 1;
        if (exists && !sysfs.IsBridge(name))
            return new BridgeCandidate(name, 0, weight, false, $"{name} exists but is not a bridge", true);
        var load = exists ? GuestPorts.On(sysfs, name, uplink).Count : 0;
        var (healthy, health) = Health(declaration is null ? null : declaration with { Uplink = uplink }, exists, sysfs);
        return new BridgeCandidate(name, load, weight, healthy, health, exists);
    }

    private static (bool, string) Health(BridgeDeclaration? declaration, bool exists, ISysfsNet sysfs)
    {
        var uplink = declaration?.Uplink;
        if (uplink is null)
            return exists ? (true, "host-only") : declaration is null ? (false, "missing") : (true, "host-only, will be created");
        if (!sysfs.Exists(uplink)) return (false, $"uplink {uplink} missing");
        if (!sysfs.IsUp(uplink)) return (false, $"uplink {uplink} down");
        if (!sysfs.HasCarrier(uplink)) return (false, $"uplink {uplink} no carrier");
        var note = exists ? $"uplink {uplink} up" : $"uplink {uplink} up, bridge will be created";
        return (true, note);
    }
}
