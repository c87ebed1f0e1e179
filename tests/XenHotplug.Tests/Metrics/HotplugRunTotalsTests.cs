using System.Buffers.Binary;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Request;

namespace XenHotplug.Tests.Metrics;

public sealed class HotplugRunTotalsTests
{
    private static HotplugRunTotals Sample()
    {
        var t = new HotplugRunTotals();
        t.Add(HotplugCommand.Online, HotplugOutcome.Success, 12_345);
        t.Add(HotplugCommand.Online, HotplugOutcome.Success, 800);
        t.Add(HotplugCommand.Online, HotplugOutcome.Timeout, 25_000_000);
        t.Add(HotplugCommand.Offline, HotplugOutcome.Refused, 3_000);
        t.Add(HotplugCommand.Remove, HotplugOutcome.Error, 41_000_000);
        return t;
    }

    [Fact]
    public void The_counters_survive_a_round_trip_through_the_file_bytes()
    {
        var bytes = Sample().Encode();
        Assert.Equal(HotplugRunLayout.Size, bytes.Length);
        Assert.Equal(HotplugRunLayout.Magic, BinaryPrimitives.ReadInt64LittleEndian(bytes));
        Assert.Equal("XMBRUNS1", System.Text.Encoding.ASCII.GetString(bytes, 0, 8));
        var back = HotplugRunTotals.Decode(bytes, out var problem)!;
        Assert.Null(problem);
        Assert.Equal(bytes, back.Encode());
        Assert.Equal(2, back.Runs(HotplugCommand.Online, HotplugOutcome.Success));
        Assert.Equal(1, back.Runs(HotplugCommand.Online, HotplugOutcome.Timeout));
        Assert.Equal(0, back.Runs(HotplugCommand.Online, HotplugOutcome.Refused));
        Assert.Equal(1, back.Runs(HotplugCommand.Offline, HotplugOutcome.Refused));
        Assert.Equal(0, back.Runs(HotplugCommand.Add, HotplugOutcome.Success));
        Assert.Equal(3, back.Count(HotplugCommand.Online));
        Assert.Equal(25.013145, back.SumSeconds(HotplugCommand.Online), 9);
        Assert.Equal(1, back.Bucket(HotplugCommand.Remove, HotplugRunLayout.BucketSlots - 1)); // above 40 s
    }

    [Fact]
    public void An_empty_or_zeroed_file_is_no_run_yet()
    {
        Assert.Equal(0, HotplugRunTotals.Decode([], out var p1)!.Count(HotplugCommand.Online));
        Assert.Null(p1);
        Assert.Equal(0, HotplugRunTotals.Decode(new byte[HotplugRunLayout.Size], out var p2)!.Count(HotplugCommand.Offline));
        Assert.Null(p2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(512)]
    [InlineData(HotplugRunLayout.Size - 1)]
    [InlineData(HotplugRunLayout.Size + 8)]
    public void A_truncated_or_grown_file_is_refused_without_a_crash(int length)
    {
        var bytes = new byte[length];
        Sample().Encode().AsSpan(0, Math.Min(length, HotplugRunLayout.Size)).CopyTo(bytes);
        Assert.Null(HotplugRunTotals.Decode(bytes, out var problem));
        Assert.Contains($"is {length} bytes, not {HotplugRunLayout.Size}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_magic_or_a_negative_count_is_refused_as_damaged()
    {
        var text = System.Text.Encoding.ASCII.GetBytes("online success 0.1\n".PadRight(HotplugRunLayout.Size, 'x'));
        Assert.Null(HotplugRunTotals.Decode(text, out var magic));
        Assert.Contains("magic", magic, StringComparison.Ordinal);

        var bytes = Sample().Encode();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(HotplugRunLayout.RunsSlot(HotplugCommand.Add, HotplugOutcome.Success) * 8), -5);
        Assert.Null(HotplugRunTotals.Decode(bytes, out var negative));
        Assert.Contains("negative count", negative, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_crash_the_decoder()
    {
        var random = new Random(22);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 2 * HotplugRunLayout.Size)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= 8) BinaryPrimitives.WriteInt64LittleEndian(bytes, HotplugRunLayout.Magic);
            var totals = HotplugRunTotals.Decode(bytes, out var problem);
            Assert.True(totals is null == problem is not null);
            _ = HotplugRunMetrics.Families(totals);
        }
    }
}
