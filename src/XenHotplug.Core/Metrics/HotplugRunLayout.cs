using XenHotplug.Core.Request;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// The layout of the hotplug-run counters file (run directory, <c>hotplug-runs</c>): <see cref="Size"/> bytes of
/// little-endian 64-bit slots, a fixed set of counters that vif-multibridge adds to in place (atomic adds in a
/// shared mapping: no lock, no append, never growing). Slot 0 is <see cref="Magic"/>; then per action (online,
/// offline, add, remove) a block of <see cref="ActionSlots"/>: the runs by <see cref="HotplugOutcome"/>, the
/// duration histogram's buckets (not cumulative; the last one is above the largest bound) and the durations' sum
/// in microseconds.
/// </summary>
public static class HotplugRunLayout
{
    /// <summary>The file's size: room to spare after the four blocks.</summary>
    public const int Size = 1024;

    /// <summary>"XMBRUNS1" read as a little-endian 64-bit number: the layout's version is its last byte.</summary>
    public const long Magic = 0x3153_4E55_5242_4D58;

    /// <summary>The histogram's upper bounds in seconds, 1 ms to 40 s (libxl kills a hotplug script after 40 s).</summary>
    public static IReadOnlyList<double> Bounds { get; } = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40];

    /// <summary>The actions, in block order.</summary>
    public static IReadOnlyList<HotplugCommand> Actions { get; } = [HotplugCommand.Online, HotplugCommand.Offline, HotplugCommand.Add, HotplugCommand.Remove];

    public const int FirstBlock = 8;
    public const int ActionSlots = 24;
    public const int BucketSlots = 16; // the bounds and one above them
    private const int BucketOffset = 4;
    private const int SumOffset = BucketOffset + BucketSlots;

    /// <summary>The slots one run adds to: its outcome's count, its duration's bucket, and the sum (by the microseconds).</summary>
    public static (int Runs, int Bucket, int Sum) SlotsOf(HotplugCommand action, HotplugOutcome outcome, long microseconds)
    {
        var block = FirstBlock + (ActionIndex(action) * ActionSlots);
        return (block + (int)outcome, block + BucketOffset + BucketOf(microseconds), block + SumOffset);
    }

    public static int RunsSlot(HotplugCommand action, HotplugOutcome outcome) => FirstBlock + (ActionIndex(action) * ActionSlots) + (int)outcome;

    public static int BucketSlot(HotplugCommand action, int bucket) => FirstBlock + (ActionIndex(action) * ActionSlots) + BucketOffset + bucket;

    public static int SumSlot(HotplugCommand action) => FirstBlock + (ActionIndex(action) * ActionSlots) + SumOffset;

    /// <summary>The bucket of a duration: the first bound it does not exceed, or <see cref="BucketSlots"/> - 1 above them all.</summary>
    public static int BucketOf(long microseconds)
    {
        for (var i = 0; i < Bounds.Count; i++)
        {
            if (microseconds <= (long)Math.Round(Bounds[i] * 1_000_000)) return i;
        }
        return Bounds.Count;
    }

    private static int ActionIndex(HotplugCommand action) => action switch
    {
        HotplugCommand.Online => 0,
        HotplugCommand.Offline => 1,
        HotplugCommand.Add => 2,
        _ => 3,
    };
}
