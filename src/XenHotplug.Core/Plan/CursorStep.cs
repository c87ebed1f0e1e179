using System.Globalization;

namespace XenHotplug.Core.Plan;

/// <summary>A round-robin pool's cursor moves to <see cref="Next"/>; its undo writes back <see cref="Previous"/>.</summary>
public sealed record CursorStep(string Pool, long Next, long Previous) : AttachStep
{
    public override IEnumerable<string> Lines() => [string.Create(CultureInfo.InvariantCulture, $"  round-robin cursor of pool {Pool}: {Previous} -> {Next}")];
}
