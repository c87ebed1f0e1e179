using XenHotplug.Core.Network;

namespace XenHotplug.Core.Plan;

/// <summary>
/// How each operation on a guest's port is taken back, from the device's state before the attach. Taken back last
/// first, the undos of the operations that ran restore that state exactly: the rename's undo downs the device first
/// (the kernel renames only a down link) and brings it back up afterwards when it was up, so the link-down's own
/// undo leaves that to it.
/// </summary>
public static class PortUndo
{
    public static IReadOnlyList<UndoableOp> For(IReadOnlyList<NetOp> operations, LinkSnapshot before)
    {
        var renamed = operations.Any(o => o is LinkRename);
        return operations.Select(op => new UndoableOp(op, Of(op, before, renamed))).ToList();
    }

    private static IReadOnlyList<NetOp> Of(NetOp op, LinkSnapshot before, bool renamed) => op switch
    {
        LinkSetAlias a => [new LinkSetAlias(a.Dev, before.Alias ?? "")],
        LinkRename r => before.Up
            ? [new LinkDown(r.NewName), new LinkRename(r.NewName, r.Dev), new LinkUp(r.Dev)]
            : [new LinkDown(r.NewName), new LinkRename(r.NewName, r.Dev)],
        LinkDown d => before.Up && !renamed ? [new LinkUp(d.Dev)] : [],
        LinkSetMac m => before.Mac is { Length: > 0 } mac ? [new LinkSetMac(m.Dev, mac)] : [],
        LinkSetMtu m => before.Mtu is { } mtu ? [new LinkSetMtu(m.Dev, mtu)] : [],
        LinkSetMaster m => before.Master is { } master ? [new LinkSetMaster(m.Dev, master)] : [new LinkSetNoMaster(m.Dev)],
        LinkUp u => before.Up ? [] : [new LinkDown(u.Dev)],
        LinkSetIsolated => [], // a port enslaved by this attach loses the flag with its master; one attached before keeps it
        _ => [], // an address flush: a guest's port holds no addresses of its own worth restoring (vif-bridge flushes them too)
    };
}
