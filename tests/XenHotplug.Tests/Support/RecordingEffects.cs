using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Network;
using XenHotplug.Host.Hotplug;
using XenHotplug.Host.Xenstore;

namespace XenHotplug.Tests.Support;

/// <summary>
/// Records an attach's effects as one journal of lines; fails the step named by <see cref="FailAt"/> ("bridge:2" stops
/// the bridge's batch at its third operation, "port:0", "guard", "cursor", "xenstore"). Undos are recorded after "undo:".
/// </summary>
public sealed class RecordingEffects : IAttachEffects
{
    private int _batches;

    public List<string> Journal { get; } = [];

    public string? FailAt { get; set; }

    /// <summary>What was recorded after the failure: the rollback.</summary>
    public IEnumerable<string> Undo => Journal.SkipWhile(l => l != "FAILED").Skip(1);

    public void Run(IReadOnlyList<NetOp> batch)
    {
        var name = _batches++ == 0 && batch[0] is BridgeCreate ? "bridge" : "port";
        for (var i = 0; i < batch.Count; i++)
        {
            if (FailAt == $"{name}:{i}") Fail(new NetOpException(i, batch[i], "injected failure"));
            Journal.Add(batch[i].ToString());
        }
    }

    public IReadOnlyList<string> RunAll(IReadOnlyList<NetOp> undo)
    {
        Journal.AddRange(undo.Select(o => o.ToString()));
        return [];
    }

    public void Install(VifGuard guard)
    {
        if (FailAt == "guard") Fail(new HotplugException("antispoof: cannot install the rules for " + guard.Interface + ": injected failure"));
        Journal.Add("guard " + guard.Interface);
    }

    public void Remove(VifGuard guard) => Journal.Add("unguard " + guard.Interface);

    public void WriteCursor(string pool, long cursor)
    {
        if (FailAt == "cursor" && !Journal.Contains("FAILED")) Fail(new HotplugException("cannot store the round-robin cursor in /run/x: injected failure"));
        Journal.Add($"cursor {pool} {cursor}");
    }

    public void Write(IReadOnlyList<KeyValuePair<string, string>> writes)
    {
        if (FailAt == "xenstore") Fail(new XenstoreException("injected failure"));
        Journal.AddRange(writes.Select(w => $"xenstore {w.Key} {w.Value}"));
    }

    private void Fail(Exception e)
    {
        Journal.Add("FAILED");
        throw e;
    }
}
