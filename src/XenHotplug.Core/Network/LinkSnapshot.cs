
namespace XenHotplug.Core.Network;

/// <summary>A device's state before we touch it, and the operations that put it back.</summary>
public sealed record LinkSnapshot(string Name, bool Up, string? Mac, int? Mtu, string? Master, string? Alias)
{
    public static LinkSnapshot Take(ISysfsNet sysfs, string dev) =>
        new(dev, sysfs.IsUp(dev), sysfs.Mac(dev), sysfs.Mtu(dev), sysfs.Master(dev), sysfs.InterfaceAlias(dev));

    /// <summary>
    /// The operations that restore this state on the device, now named <paramref name="currentName"/>; the alias too
    /// when it was renamed or <paramref name="marked"/> (our mark is set before the rename).
    /// </summary>
    public IReadOnlyList<NetOp> Restore(string currentName, bool marked = false)
    {
        var ops = new List<NetOp> { new LinkDown(currentName) };
        ops.Add(Master is null ? new LinkSetNoMaster(currentName) : new LinkSetMaster(currentName, Master));
        if (currentName != Name) ops.Add(new LinkRename(currentName, Name));
        if (Mtu is { } mtu) ops.Add(new LinkSetMtu(Name, mtu));
        if (Mac is { Length: > 0 } mac) ops.Add(new LinkSetMac(Name, mac));
        if (currentName != Name || marked) ops.Add(new LinkSetAlias(Name, Alias ?? "")); // our mark goes with the rename
        if (Up) ops.Add(new LinkUp(Name));
        return ops;
    }
}
