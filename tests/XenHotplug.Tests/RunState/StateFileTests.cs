using System.Diagnostics;
using XenHotplug.Core.Balancing;
using XenHotplug.Host.Balancing;
using XenHotplug.Host.RunState;

namespace XenHotplug.Tests.RunState;

/// <summary>No run-directory state file read ever blocks: FIFOs, links, directories and huge files are one line, never waited on.</summary>
public sealed class StateFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("xhp-sf-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Fifo(string name)
    {
        var path = Path.Combine(_dir, name);
        using var p = Process.Start("mkfifo", [path]);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return path;
    }

    [Fact]
    public void A_fifo_is_never_opened_and_says_what_it_is()
    {
        var path = Fifo("balancer.json");
        var watch = Stopwatch.StartNew();
        Assert.Null(StateFile.Read(path, out var problem));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal($"{path} is a FIFO, not a regular file: not read (remove it)", problem);
    }

    [Fact]
    public void Links_directories_and_oversized_files_are_refused_missing_is_no_problem()
    {
        Assert.Null(StateFile.Read(Path.Combine(_dir, "none"), out var missing));
        Assert.Null(missing);
        var target = Path.Combine(_dir, "target");
        File.WriteAllText(target, "7\n");
        var link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, target);
        Assert.Null(StateFile.Read(link, out var linked));
        Assert.Contains("is a symbolic link", linked, StringComparison.Ordinal);
        Directory.CreateDirectory(Path.Combine(_dir, "dir"));
        Assert.Null(StateFile.Read(Path.Combine(_dir, "dir"), out var dir));
        Assert.Contains("is a directory", dir, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "big"), new string('x', 100));
        Assert.Null(StateFile.Read(Path.Combine(_dir, "big"), out var big, limit: 64));
        Assert.Contains("is larger than 64 bytes", big, StringComparison.Ordinal);
        Assert.Equal("7\n", StateFile.Read(target, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void The_balancer_record_cursors_and_fresh_rates_read_past_a_fifo_with_one_line()
    {
        Fifo(BalancerStore.FileName);
        var warnings = new List<string>();
        var record = new BalancerStore(_dir).Read(warnings.Add);
        Assert.Empty(record.Moves);
        Assert.Equal($"{Path.Combine(_dir, BalancerStore.FileName)} is a FIFO, not a regular file: not read (remove it); the balancer starts from an empty record", Assert.Single(warnings));
        var config = XenHotplug.Host.Configuration.ConfigLoader.Build(null, new Dictionary<string, string> { ["XEN_MULTIBRIDGE_RUNDIR"] = _dir });
        Assert.Null(BalancerStore.FreshRates(config, warnings.Add));
        Assert.Contains("no traffic measurement is used", warnings[^1], StringComparison.Ordinal);
        Fifo("rr-p");
        Assert.Equal(0, new RunDirectory(_dir).ReadCursor("p", warnings.Add));
        Assert.Contains("rr-p is a FIFO", warnings[^1], StringComparison.Ordinal);
        // Writing replaces the FIFO (never opening it), also when a FIFO sits where the temporary file goes.
        Fifo(BalancerStore.FileName + ".tmp");
        new BalancerStore(_dir).Write(new BalancerRecord { Pending = [new PendingMove("vif1.0", "xbr0", "xbr1") { Flags = new() { ["isolated"] = "1" } }] });
        Assert.Equal("1", new BalancerStore(_dir).Read().Pending.Single().Flags["isolated"]);
        new RunDirectory(_dir).WriteCursor("p", 3);
        Assert.Equal(3, new RunDirectory(_dir).ReadCursor("p"));
    }

    [Fact]
    public void A_fifo_as_the_lock_file_is_refused_not_waited_on()
    {
        Fifo("attach.lock");
        var e = Assert.Throws<IOException>(() => new RunDirectory(_dir).Lock("attach", TimeSpan.FromSeconds(1)));
        Assert.Contains("attach.lock is a FIFO, not a regular file", e.Message, StringComparison.Ordinal);
    }
}
