using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Placement;

/// <summary>
/// vif-bridge's bridge resolution: the named bridge; an old-style xenbrN that does not exist while ethN
/// is a bridge becomes ethN; no name at all means the first bridge of the host; a name that is not an
/// existing bridge is an error.
/// </summary>
public static class BridgeResolver
{
    /// <summary>The bridge to use, or a <see cref="HotplugException"/> saying why there is none.</summary>
    public static string Resolve(string? requested, ISysfsNet sysfs, string source)
    {
        if (string.IsNullOrEmpty(requested))
        {
            foreach (var name in sysfs.Interfaces())
            {
                if (sysfs.IsBridge(name)) return name;
            }
            throw new HotplugException("could not find a bridge, and none was specified");
        }
        if (InterfaceName.Problem(requested) is { } problem)
            throw new HotplugException($"invalid bridge name in {source}: {problem}");
        var bridge = Translate(requested, sysfs);
        if (!sysfs.Exists(bridge))
            throw new HotplugException($"bridge {bridge} does not exist (named in {source}); create it or run 'network-multibridge start'");
        if (!sysfs.IsBridge(bridge))
            throw new HotplugException($"{bridge} (named in {source}) is not a bridge");
        return bridge;
    }

    /// <summary>xenbrN → ethN when xenbrN does not exist and ethN is a bridge (old configs on new-style hosts).</summary>
    public static string Translate(string requested, ISysfsNet sysfs)
    {
        if (!sysfs.Exists(requested) && requested.StartsWith("xenbr", StringComparison.Ordinal))
        {
            var eth = "eth" + requested[5..];
            if (InterfaceName.IsValid(eth) && sysfs.IsBridge(eth)) return eth;
        }
        return requested;
    }
}
