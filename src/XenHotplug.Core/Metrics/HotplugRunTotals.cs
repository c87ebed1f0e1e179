using System.Buffers.Binary;
using XenHotplug.Core.Request;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// The hotplug-run counters as the file holds them (<see cref="HotplugRunLayout"/>): what `status --format prometheus`
/// turns into the hotplug families. <see cref="Decode"/> refuses a file of another size or magic, or with a negative
/// count, rather than reporting garbage.
/// </summary>
public sealed class HotplugRunTotals
{
    private readonly long[] _slots = new long[HotplugRunLayout.Size / 8];

    /// <summary>No run yet (no file): every counter 0.</summary>
    public static HotplugRunTotals Empty => new();

    public long Runs(HotplugCommand action, HotplugOutcome outcome) => _slots[HotplugRunLayout.RunsSlot(action, outcome)];

    /// <summary>The runs of one bucket (not cumulative); <see cref="HotplugRunLayout.BucketSlots"/> - 1 is above every bound.</summary>
    public long Bucket(HotplugCommand action, int bucket) => _slots[HotplugRunLayout.BucketSlot(action, bucket)];

    /// <summary>The durations' sum in seconds.</summary>
    public double SumSeconds(HotplugCommand action) => _slots[HotplugRunLayout.SumSlot(action)] / 1_000_000.0;

    /// <summary>The runs the histogram holds (every bucket).</summary>
    public long Count(HotplugCommand action)
    {
        long n = 0;
        for (var b = 0; b < HotplugRunLayout.BucketSlots; b++) n += Bucket(action, b);
        return n;
    }

    /// <summary>Adds one run, as vif-multibridge adds it to the file.</summary>
    public void Add(HotplugCommand action, HotplugOutcome outcome, long microseconds)
    {
        var (runs, bucket, sum) = HotplugRunLayout.SlotsOf(action, outcome, microseconds);
        _slots[runs]++;
        _slots[bucket]++;
        _slots[sum] += microseconds;
    }

    /// <summary>The file's bytes.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[HotplugRunLayout.Size];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, HotplugRunLayout.Magic);
        for (var i = 1; i < _slots.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), _slots[i]);
        return bytes;
    }

    /// <summary>The counters in <paramref name="bytes"/>, or null and the <paramref name="problem"/> when they are not a counters file.</summary>
    public static HotplugRunTotals? Decode(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length == 0)
        {
            return Empty; // created, not yet sized: no run counted yet
        }
        if (bytes.Length != HotplugRunLayout.Size)
        {
            problem = $"is {bytes.Length} bytes, not {HotplugRunLayout.Size} (truncated or not a counters file)";
            return null;
        }
        var magic = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (magic == 0 && !bytes.ContainsAnyExcept((byte)0)) return Empty; // sized, no run finished yet
        if (magic != HotplugRunLayout.Magic)
        {
            problem = "does not start with the counters' magic (another version, or damaged)";
            return null;
        }
        var totals = new HotplugRunTotals();
        for (var i = 1; i < totals._slots.Length; i++)
        {
            var v = BinaryPrimitives.ReadInt64LittleEndian(bytes[(i * 8)..]);
            if (v < 0)
            {
                problem = $"holds a negative count in slot {i} (damaged)";
                return null;
            }
            totals._slots[i] = v;
        }
        return totals;
    }
}
