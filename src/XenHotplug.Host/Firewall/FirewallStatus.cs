using XenHotplug.Core.Firewall;

namespace XenHotplug.Host.Firewall;

/// <summary>What the kernel holds in the project's table: the guarded vifs (none when the table does not exist).</summary>
public static class FirewallStatus
{
    public static IReadOnlyList<GuardedVif> Read(NftRunner nft)
    {
        try
        {
            return GuardListing.Parse(nft.Query(["-j", "list", "table", AntispoofRules.Family, AntispoofRules.Table]));
        }
        catch (FirewallException e) when (e.Message.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return []; // no vif was ever guarded since boot
        }
    }
}
