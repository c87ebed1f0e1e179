namespace XenHotplug.Core.Network;

/// <summary>One interface: its identity, link attributes, addresses and main-table routes.</summary>
public sealed record LinkState(
    int Index,
    string Name,
    string? Kind,
    string? Master,
    string? Mac,
    int Mtu,
    bool Up,
    IReadOnlyList<IpAddress> Addresses,
    IReadOnlyList<IpRoute> Routes)
{
    public bool IsBridge => Kind == "bridge";

    public IEnumerable<IpAddress> MovableAddresses => Addresses.Where(a => a.IsMovable);

    public IEnumerable<IpRoute> MovableRoutes => Routes.Where(r => !r.IsKernel && !r.IsRouterAdvertised);
}
