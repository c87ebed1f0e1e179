namespace XenHotplug.Core.Render;

/// <summary>
/// What a bridge must carry when the distribution builds it: its uplink (null: host-only), the uplink's MAC, the
/// MTU, IPv4 by DHCP or the static addresses, and the static routes (gateway routes included; the kernel's own and
/// router-advertised ones left out). <see cref="Note"/> says where the addressing was read.
/// </summary>
public sealed record BridgeAddressing(
    string Bridge,
    string? Uplink,
    string? Mac,
    int? Mtu,
    bool Dhcp4,
    IReadOnlyList<string> Addresses4,
    IReadOnlyList<string> Addresses6,
    IReadOnlyList<RenderedRoute> Routes,
    string Note);
