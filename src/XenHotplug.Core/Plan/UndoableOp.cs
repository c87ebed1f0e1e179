using XenHotplug.Core.Network;

namespace XenHotplug.Core.Plan;

/// <summary>One network operation of a plan and the operations that take it back (none: nothing to take back).</summary>
public sealed record UndoableOp(NetOp Do, IReadOnlyList<NetOp> Undo);
