using System.Text;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Plan;

/// <summary>
/// What one hotplug will do, as data: the network operations (one `ip -batch`), then the xenstore
/// writes. Printed by --dry-run and explain; asserted by the unit tests.
/// </summary>
public sealed record VifPlan(
    string Device,
    string? Bridge,
    int? Mtu,
    IReadOnlyList<NetOp> Operations,
    IReadOnlyList<KeyValuePair<string, string>> XenstoreWrites)
{
    /// <summary>Operations that must run first (creating a declared bridge), kept apart so a failure can undo them.</summary>
    public IReadOnlyList<NetOp> Preparation { get; init; } = [];

    /// <summary>How to undo <see cref="Preparation"/>.</summary>
    public IReadOnlyList<NetOp> UndoPreparation { get; init; } = [];

    /// <summary>A readable listing: one line per operation and per xenstore write.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var op in Preparation) text.Append("  ").Append(op).Append('\n');
        foreach (var op in Operations) text.Append("  ").Append(op).Append('\n');
        foreach (var (path, value) in XenstoreWrites) text.Append("  xenstore-write ").Append(path).Append(' ').Append(value).Append('\n');
        if (text.Length == 0) text.Append("  (nothing to do)\n");
        return text.ToString();
    }
}
