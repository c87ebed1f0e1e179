using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// One bridge as network-multibridge acts on it: <see cref="Name"/> is the interface name of the bridge,
/// <see cref="Uplink"/> the NIC's own name (null: host-only) and <see cref="Port"/> the NIC's name while
/// enslaved (pethN under legacy naming). <see cref="Declared"/> is the [bridge:NAME] the pools refer to.
/// </summary>
public sealed record BridgeSpec(string Declared, string Name, string? Uplink, string? Port, int? Mtu)
{
    public static BridgeSpec From(BridgeDeclaration declaration, BridgeNaming naming) =>
        From(declaration.Name, declaration.Uplink, declaration.Mtu, naming);

    public static BridgeSpec From(string declared, string? uplink, int? mtu, BridgeNaming naming)
    {
        if (uplink is null) return new BridgeSpec(declared, declared, null, null, mtu);
        if (naming == BridgeNaming.Legacy)
        {
            var port = LegacyNames.Port(uplink);
            if (InterfaceName.Problem(port) is { } problem)
                throw new BridgeException($"bridge {declared}: legacy naming needs the NIC name {problem}");
            return new BridgeSpec(declared, uplink, uplink, port, mtu);
        }
        return new BridgeSpec(declared, declared, uplink, uplink, mtu);
    }

    public override string ToString() => Uplink is null ? $"{Name} (host-only)" : $"{Name} (uplink {Uplink})";
}
