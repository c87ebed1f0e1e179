using XenHotplug.Core.Metrics;
using XenHotplug.Core.Request;

namespace XenHotplug.Tests.Metrics;

public sealed class HotplugRunLayoutTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1_000, 0)] // le: a bound holds what equals it
    [InlineData(1_001, 1)]
    [InlineData(2_500, 1)]
    [InlineData(9_999, 3)]
    [InlineData(999_999, 9)]
    [InlineData(1_000_000, 9)]
    [InlineData(20_000_000, 13)]
    [InlineData(25_000_000, 14)]
    [InlineData(40_000_000, 14)]
    [InlineData(40_000_001, 15)]
    [InlineData(long.MaxValue, 15)]
    public void A_duration_falls_in_the_first_bucket_whose_bound_it_does_not_exceed(long microseconds, int bucket) =>
        Assert.Equal(bucket, HotplugRunLayout.BucketOf(microseconds));

    [Fact]
    public void The_buckets_span_1_ms_to_40_s_in_increasing_order()
    {
        Assert.Equal(0.001, HotplugRunLayout.Bounds[0]);
        Assert.Equal(40, HotplugRunLayout.Bounds[^1]);
        Assert.True(HotplugRunLayout.Bounds.Zip(HotplugRunLayout.Bounds.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(HotplugRunLayout.BucketSlots, HotplugRunLayout.Bounds.Count + 1);
    }

    [Fact]
    public void Every_slot_is_its_own_and_fits_in_the_file_after_the_magic()
    {
        var slots = new List<int>();
        foreach (var action in HotplugRunLayout.Actions)
        {
            slots.AddRange(HotplugOutcomes.All.Select(o => HotplugRunLayout.RunsSlot(action, o)));
            slots.AddRange(Enumerable.Range(0, HotplugRunLayout.BucketSlots).Select(b => HotplugRunLayout.BucketSlot(action, b)));
            slots.Add(HotplugRunLayout.SumSlot(action));
        }
        Assert.Equal(slots.Count, slots.Distinct().Count());
        Assert.All(slots, s => Assert.InRange(s, 1, (HotplugRunLayout.Size / 8) - 1));
        Assert.Equal((HotplugRunLayout.RunsSlot(HotplugCommand.Offline, HotplugOutcome.Error), HotplugRunLayout.BucketSlot(HotplugCommand.Offline, 2), HotplugRunLayout.SumSlot(HotplugCommand.Offline)),
            HotplugRunLayout.SlotsOf(HotplugCommand.Offline, HotplugOutcome.Error, 4_000));
    }
}
