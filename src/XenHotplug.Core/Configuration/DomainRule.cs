using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Configuration;

/// <summary>A [domain:GLOB] section: guests whose name matches go to a pool or to one bridge, and/or get an antispoof mode, port options or VLANs.</summary>
public sealed record DomainRule(string Glob, string? Pool, string? Bridge)
{
    /// <summary>The antispoof mode for matching guests, or null when the rule does not set one.</summary>
    public AntispoofMode? Antispoof { get; init; }

    /// <summary>isolated = yes | no for matching guests' ports, or null when the rule does not say.</summary>
    public bool? Isolated { get; init; }

    /// <summary>allow_router = yes | no for matching guests, or null when the rule does not say.</summary>
    public bool? AllowRouter { get; init; }

    /// <summary>allow_dhcp_server = yes | no for matching guests, or null when the rule does not say.</summary>
    public bool? AllowDhcpServer { get; init; }

    /// <summary>
    /// vlan = VLANs for matching guests' NICs, in Xen's vlan= grammar, or null when the rule does not say: used only for
    /// a NIC whose VM config names none (no vlan= and no BR.TAG:TRUNKS bridge name); the VM config wins.
    /// </summary>
    public VlanSet? Vlans { get; init; }

    /// <summary>True when the rule only sets a NIC's guard or port options (antispoof, isolated, allow_*, vlan): it places nothing.</summary>
    public bool PlacesNothing => Pool is null && Bridge is null;
}
