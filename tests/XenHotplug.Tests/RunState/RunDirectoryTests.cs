using XenHotplug.Host.RunState;

namespace XenHotplug.Tests.RunState;

public sealed class RunDirectoryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "xhp-rd-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void The_lock_excludes_a_second_holder_until_released()
    {
        var run = new RunDirectory(_dir);
        var first = run.Lock("attach", TimeSpan.FromSeconds(1));
        Assert.Throws<TimeoutException>(() => run.Lock("attach", TimeSpan.FromMilliseconds(50)));
        first.Dispose();
        using var second = run.Lock("attach", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Cursors_round_trip_and_start_at_zero()
    {
        var run = new RunDirectory(_dir);
        Assert.Equal(0, run.ReadCursor("p"));
        run.WriteCursor("p", 41);
        run.WriteCursor("q/../x", 7);
        Assert.Equal(41, run.ReadCursor("p"));
        Assert.Equal(7, run.ReadCursor("q/../x"));
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
    }
}
