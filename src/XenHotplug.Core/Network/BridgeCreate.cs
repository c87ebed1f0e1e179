namespace XenHotplug.Core.Network;

/// <summary>ip link add name B type bridge stp_state 0 forward_delay 0 [mtu N].</summary>
public sealed record BridgeCreate(string Name, int? Mtu = null) : NetOp
{
    public override IReadOnlyList<string> IpArgs => Mtu is { } mtu
        ? ["link", "add", "name", Name, "mtu", Num(mtu), "type", "bridge", "stp_state", "0", "forward_delay", "0"]
        : ["link", "add", "name", Name, "type", "bridge", "stp_state", "0", "forward_delay", "0"];
    public override string Device => Name;
}
