using System.Text;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Plan;

/// <summary>
/// The port's share of a hotplug, as data: the network operations on the device (one batch), then the xenstore
/// writes. A detach is just this; an attach wraps it in an <see cref="AttachPlan"/> with the undos.
/// </summary>
public sealed record VifPlan(
    string Device,
    string? Bridge,
    int? Mtu,
    IReadOnlyList<NetOp> Operations,
    IReadOnlyList<KeyValuePair<string, string>> XenstoreWrites)
{
    /// <summary>A readable listing: one line per operation and per xenstore write.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var op in Operations) text.Append("  ").Append(op).Append('\n');
        foreach (var (path, value) in XenstoreWrites) text.Append("  xenstore-write ").Append(path).Append(' ').Append(value).Append('\n');
        if (text.Length == 0) text.Append("  (nothing to do)\n");
        return text.ToString();
    }
}
