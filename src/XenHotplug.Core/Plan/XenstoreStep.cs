namespace XenHotplug.Core.Plan;

/// <summary>The xenstore writes that end an attach (the frontend's mtu, hotplug-status): the last step, nothing after it to fail.</summary>
public sealed record XenstoreStep(IReadOnlyList<KeyValuePair<string, string>> Writes) : AttachStep
{
    public override IEnumerable<string> Lines() => Writes.Select(w => $"  xenstore-write {w.Key} {w.Value}");
}
