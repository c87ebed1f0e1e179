using System.Diagnostics;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Request;
using XenHotplug.Host.RunState;

namespace XenHotplug.Tests.RunState;

/// <summary>The run counters file: atomic adds from many writers, a bounded fixed size, and whatever is in the way one line, never a crash.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HotplugRunFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xhp-runs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private HotplugRunFile File(string sub = "run") => new(Path.Combine(_dir, sub));

    [Fact]
    public void A_recorded_run_reads_back_and_the_file_is_created_in_a_missing_run_directory()
    {
        var runs = File("missing/run");
        var warnings = new List<string>();
        Assert.Equal(0, runs.Read(warnings.Add)!.Count(HotplugCommand.Online)); // no file: no run yet
        Assert.Null(runs.Record(HotplugCommand.Online, HotplugOutcome.Success, 4_200));
        Assert.Null(runs.Record(HotplugCommand.Online, HotplugOutcome.Refused, 900));
        Assert.Null(runs.Record(HotplugCommand.Offline, HotplugOutcome.Success, 2_000_000));
        var totals = runs.Read(warnings.Add)!;
        Assert.Empty(warnings);
        Assert.Equal(1, totals.Runs(HotplugCommand.Online, HotplugOutcome.Success));
        Assert.Equal(1, totals.Runs(HotplugCommand.Online, HotplugOutcome.Refused));
        Assert.Equal(1, totals.Runs(HotplugCommand.Offline, HotplugOutcome.Success));
        Assert.Equal(0.0051, totals.SumSeconds(HotplugCommand.Online), 9);
        Assert.Equal(HotplugRunLayout.Size, new FileInfo(runs.FilePath).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            System.IO.File.GetUnixFileMode(runs.FilePath) & (UnixFileMode)0x1FF);
    }

    [Fact]
    public void Concurrent_writers_lose_no_run_and_the_file_never_grows()
    {
        var runs = File();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 250; i++) Assert.Null(runs.Record(HotplugCommand.Online, HotplugOutcome.Success, 1_500));
        });
        var totals = runs.Read(_ => { })!;
        Assert.Equal(2000, totals.Runs(HotplugCommand.Online, HotplugOutcome.Success));
        Assert.Equal(2000, totals.Bucket(HotplugCommand.Online, 1));
        Assert.Equal(3.0, totals.SumSeconds(HotplugCommand.Online), 9);
        Assert.Equal(HotplugRunLayout.Size, new FileInfo(runs.FilePath).Length);
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_left_alone_and_reported_in_one_line()
    {
        var runs = File();
        Assert.Null(runs.Record(HotplugCommand.Online, HotplugOutcome.Success, 1));
        var bytes = System.IO.File.ReadAllBytes(runs.FilePath);
        System.IO.File.WriteAllBytes(runs.FilePath, bytes[..100]);
        var problem = runs.Record(HotplugCommand.Online, HotplugOutcome.Success, 1);
        Assert.Contains("is 100 bytes, not 1024", problem, StringComparison.Ordinal);
        var warnings = new List<string>();
        Assert.Null(runs.Read(warnings.Add));
        Assert.Contains("is 100 bytes, not 1024", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Equal(100, new FileInfo(runs.FilePath).Length); // not resized, not rewritten

        System.IO.File.WriteAllText(runs.FilePath, "online success 0.004\n".PadRight(HotplugRunLayout.Size, '#'));
        Assert.Contains("magic", runs.Record(HotplugCommand.Offline, HotplugOutcome.Error, 1), StringComparison.Ordinal);
        Assert.StartsWith("online success", System.IO.File.ReadAllText(runs.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifo_or_a_link_in_its_place_is_never_opened()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "run"));
        var runs = File();
        using (var p = Process.Start("mkfifo", [runs.FilePath])) p.WaitForExit();
        Assert.Contains("is a FIFO", runs.Record(HotplugCommand.Online, HotplugOutcome.Success, 1), StringComparison.Ordinal);
        var warnings = new List<string>();
        Assert.Null(runs.Read(warnings.Add));
        Assert.Contains("is a FIFO", Assert.Single(warnings), StringComparison.Ordinal);
        System.IO.File.Delete(runs.FilePath);
        var target = Path.Combine(_dir, "elsewhere");
        System.IO.File.CreateSymbolicLink(runs.FilePath, target);
        Assert.Contains("symbolic link", runs.Record(HotplugCommand.Online, HotplugOutcome.Success, 1), StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(target));
    }
}
