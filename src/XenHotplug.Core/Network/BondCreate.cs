namespace XenHotplug.Core.Network;

/// <summary>
/// ip link add name B [address MAC] [mtu N] type bond mode M miimon N [lacp_rate R] [xmit_hash_policy P] [primary S]:
/// a bond, with its mode and options set while it has no slaves (the driver refuses a mode change later).
/// </summary>
public sealed record BondCreate(string Name, string Mode, int Miimon, int? Mtu = null, string? Mac = null) : NetOp
{
    public string? LacpRate { get; init; }

    public string? XmitHashPolicy { get; init; }

    public string? Primary { get; init; }

    public override IReadOnlyList<string> IpArgs =>
    [
        "link", "add", "name", Name,
        .. Mac is { } mac ? new[] { "address", mac } : [],
        .. Mtu is { } mtu ? new[] { "mtu", Num(mtu) } : [],
        "type", "bond", "mode", Mode, "miimon", Num(Miimon),
        .. LacpRate is { } rate ? new[] { "lacp_rate", rate } : [],
        .. XmitHashPolicy is { } hash ? new[] { "xmit_hash_policy", hash } : [],
        .. Primary is { } primary ? new[] { "primary", primary } : [],
    ];

    public override string Device => Name;
}
