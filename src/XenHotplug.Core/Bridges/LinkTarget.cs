using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// What one interface must look like. <see cref="Index"/> finds an existing interface whatever its current
/// name (a renamed NIC keeps its ifindex); without it a bridge named <see cref="Name"/> is found or created.
/// Null attributes are left as they are; <see cref="Addresses"/> and <see cref="Routes"/> are exact:
/// movable addresses and non-kernel routes not listed are removed, missing ones are added.
/// </summary>
public sealed record LinkTarget(
    int? Index,
    string Name,
    bool Bridge,
    int? Mtu,
    string? Mac,
    string? Master,
    bool Up,
    IReadOnlyList<IpAddress> Addresses,
    IReadOnlyList<IpRoute> Routes);
