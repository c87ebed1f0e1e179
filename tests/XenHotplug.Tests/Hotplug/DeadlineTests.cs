using XenHotplug.Host.Hotplug;

namespace XenHotplug.Tests.Hotplug;

public class DeadlineTests
{
    [Fact]
    public void Every_wait_draws_from_the_same_budget()
    {
        long now = 1000;
        var deadline = new Deadline(TimeSpan.FromSeconds(25), () => now);
        Assert.Equal(TimeSpan.FromSeconds(5), deadline.Cap(TimeSpan.FromSeconds(5)));
        now += 22_000;
        Assert.Equal(TimeSpan.FromSeconds(3), deadline.Cap(TimeSpan.FromSeconds(5)));
        Assert.Equal(3000, deadline.RemainingMilliseconds);
        Assert.False(deadline.Expired);
        now += 4000;
        Assert.True(deadline.Expired);
        Assert.Equal(0, deadline.RemainingMilliseconds);
        Assert.Equal(TimeSpan.Zero, deadline.Cap(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Expiry_is_a_one_line_hotplug_failure()
    {
        long now = 0;
        var deadline = new Deadline(TimeSpan.FromSeconds(2.5), () => now);
        deadline.ThrowIfExpired("anything");
        now = 2500;
        var e = Assert.Throws<XenHotplug.Core.Failures.HotplugException>(() => deadline.ThrowIfExpired("waiting for the lock"));
        Assert.Equal("deadline of 2.5 s reached while waiting for the lock ([hotplug] deadline)", e.Message);
    }

    [Fact]
    public void Since_counts_from_process_start()
    {
        var deadline = Deadline.Since(Environment.TickCount64 - 10_000, TimeSpan.FromSeconds(25));
        Assert.InRange(deadline.RemainingMilliseconds, 10_000, 15_001);
        Assert.Equal(TimeSpan.FromSeconds(25), deadline.Budget);
    }
}
