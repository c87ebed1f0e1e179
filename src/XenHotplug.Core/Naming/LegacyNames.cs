namespace XenHotplug.Core.Naming;

/// <summary>The legacy naming rule in one place: the NIC ethN becomes pethN while the bridge takes its name.</summary>
public static class LegacyNames
{
    public static string Port(string uplink) => "p" + uplink;
}
