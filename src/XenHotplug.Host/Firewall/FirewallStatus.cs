using XenHotplug.Core.Firewall;

namespace XenHotplug.Host.Firewall;

/// <summary>What the kernel holds in the project's table: the guarded vifs (none when the table does not exist), and whether it is enforced.</summary>
public static class FirewallStatus
{
    /// <summary>True when the table is dormant (an administrator's `nft add table ... { flags dormant; }`): the kernel runs none of its rules.</summary>
    public static bool IsDormant() => NftablesClient.TableIsDormant() == true;

    public static IReadOnlyList<GuardedVif> Read(NftRunner nft, bool dormant = false)
    {
        // Whether there is anything to list is asked over netlink, where the kernel answers with an errno (ENOENT);
        // nft would say it only in words.
        if (NftablesClient.TableIsDormant() is null || (dormant && !NftablesClient.MapExists())) return []; // no vif was ever guarded since boot
        if (dormant)
        {
            // nft 1.0.6 writes a dormant table's flags as nothing ("flags": }), which is no JSON: list the map, then each chain.
            var map = nft.Query(["-j", "list", "map", AntispoofRules.Family, AntispoofRules.Table, AntispoofRules.Map]);
            var chains = GuardListing.Parse(map).Select(g => g.Chain).Distinct(StringComparer.Ordinal)
                .Select(c => nft.Query(["-j", "list", "chain", AntispoofRules.Family, AntispoofRules.Table, c]));
            return GuardListing.Parse([map, .. chains]);
        }
        return GuardListing.Parse(nft.Query(["-j", "list", "table", AntispoofRules.Family, AntispoofRules.Table]));
    }
}
