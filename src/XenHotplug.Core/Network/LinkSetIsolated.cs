namespace XenHotplug.Core.Network;

/// <summary>
/// ip link set dev D type bridge_slave isolated on|off: the kernel's bridge-port isolated flag (an isolated port
/// forwards to and from non-isolated ports only, never to another isolated one). The device must be a bridge port.
/// </summary>
public sealed record LinkSetIsolated(string Dev, bool Isolated) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "type", "bridge_slave", "isolated", Isolated ? "on" : "off"];
    public override string Device => Dev;
}
