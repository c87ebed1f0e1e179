using XenHotplug.Core.Network;

namespace XenHotplug.Core.Plan;

/// <summary>
/// Network operations run as one batch (rtnetlink, or one `ip -batch`), each with its undo. When the batch stops at
/// an operation, the ones before it were applied: <see cref="UndoOf"/> takes back exactly those, last first.
/// </summary>
public sealed record NetworkStep(NetworkStepKind Kind, string Device, IReadOnlyList<UndoableOp> Operations) : AttachStep
{
    /// <summary>The batch.</summary>
    public IReadOnlyList<NetOp> Batch => Operations.Select(o => o.Do).ToList();

    /// <summary>The undo when the first <paramref name="applied"/> operations were applied (all of them: the step's whole undo).</summary>
    public IReadOnlyList<NetOp> UndoOf(int applied) =>
        Operations.Take(Math.Clamp(applied, 0, Operations.Count)).Reverse().SelectMany(o => o.Undo).ToList();

    public override IEnumerable<string> Lines() => Operations.Select(o => "  " + o.Do);
}
