using System.Diagnostics;
using System.Net.Sockets;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Safety;

/// <summary>
/// No stuck dependency holds a hotplug past its deadline ([hotplug] deadline, 3 s here): a xenstored that
/// never answers or stops half-way through a frame, a syslog nobody reads, hanging hooks, a held lock, a
/// FIFO as the configuration. Wall times are checked against libxl's 40 s kill with a wide margin (the
/// deadline plus the 2 s report grace is 5 s; the bound asserted is 20 s), never against tight numbers.
/// </summary>
public sealed class DeadlineTests : IDisposable
{
    private static readonly TimeSpan WellBeforeLibxlKills = TimeSpan.FromSeconds(20);
    private readonly SimulatedDom0 _host = new();

    public DeadlineTests()
    {
        _host.AddBridge("xenbr0");
        _host.AddGuest(3, 0, "xenbr0");
        _host.Environment["XEN_MULTIBRIDGE_hotplug__deadline"] = "3";
    }

    public void Dispose() => _host.Dispose();

    private static (ProcResult Result, TimeSpan Took) Timed(Func<ProcResult> run)
    {
        var clock = Stopwatch.StartNew();
        var r = run();
        return (r, clock.Elapsed);
    }

    private string VifState() => HostFingerprint.Link(_host.Dom0.Ip("-o", "link", "show", "vif3.0")) + (_host.Dom0.MasterOf("vif3.0") ?? "-");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_xenstored_that_never_answers_or_sends_half_a_frame_fails_before_the_kill(bool halfFrame)
    {
        var socketPath = Path.Combine(_host.WorkDir, "silent.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(16);
        var accepted = new List<Socket>();
        var acceptor = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var c = listener.Accept();
                    lock (accepted) accepted.Add(c);
                    // Half a frame: a header announcing a 10-byte READ reply, then 5 bytes, then silence.
                    if (halfFrame) c.Send([2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 1, 2, 3, 4, 5]);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        })
        { IsBackground = true };
        acceptor.Start();
        var before = VifState();
        var (r, took) = Timed(() => _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { ["XENSTORED_PATH"] = socketPath }));
        listener.Close();
        lock (accepted) accepted.ForEach(s => s.Dispose());

        Assert.Equal(1, r.ExitCode);
        Assert.True(took < WellBeforeLibxlKills, $"took {took}");
        Assert.Contains($"xenstore: xenstore at {socketPath} did not answer Read", r.StdErr, StringComparison.Ordinal);
        if (halfFrame) Assert.Contains("in the middle of a frame, 21 bytes received", r.StdErr, StringComparison.Ordinal);
        Assert.Equal(before, VifState());
        Assert.Null(_host.Backend(3, 0, "hotplug-status"));
    }

    [Fact]
    public void A_syslog_nobody_reads_neither_blocks_nor_fails()
    {
        var socketPath = Path.Combine(_host.WorkDir, "stuck-syslog.sock");
        using var syslog = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        syslog.Bind(new UnixDomainSocketEndPoint(socketPath));
        // Fill the reader's queue: from now on a blocking send would wait forever.
        using (var filler = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false })
        {
            filler.Connect(new UnixDomainSocketEndPoint(socketPath));
            var full = false;
            for (var i = 0; i < 100_000 && !full; i++)
            {
                try
                {
                    filler.Send(new byte[512]);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    full = true;
                }
            }
            Assert.True(full);
        }
        var env = new Dictionary<string, string> { ["XEN_MULTIBRIDGE_SYSLOG"] = socketPath };
        var (r, took) = Timed(() => _host.Dom0.Exec(Binaries.Vif, ["online", "type_if=vif", "-v"], Merge(_host.LibxlEnvironment(3, 0), env), TimeSpan.FromSeconds(60)));
        Assert.True(r.Ok, r.ToString());
        Assert.True(took < WellBeforeLibxlKills, $"took {took}");
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("vif3.0"));
        Assert.Equal("connected", _host.Backend(3, 0, "hotplug-status"));
        // A failure with the same stuck syslog still reports, on stderr and in xenstore.
        var (off, _) = Timed(() => _host.Dom0.Exec(Binaries.Vif, ["offline", "type_if=vif"], Merge(_host.LibxlEnvironment(3, 0), new Dictionary<string, string>(env) { ["vif"] = "eth0" }), TimeSpan.FromSeconds(60)));
        Assert.Equal(1, off.ExitCode);
        Assert.Contains("refusing vif=eth0", off.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_hanging_hooks_are_killed_at_the_deadline_and_the_attach_stands()
    {
        Directory.CreateDirectory(_host.HooksDir);
        var pids = Path.Combine(_host.WorkDir, "hook-pids");
        foreach (var name in new[] { "10-hang.hook", "20-hang.hook" })
        {
            var hook = Path.Combine(_host.HooksDir, name);
            File.WriteAllText(hook, $"#!/bin/sh\necho $$ >> {pids}\nsleep 120\n");
            File.SetUnixFileMode(hook, (UnixFileMode)0b111_101_101);
        }
        var (r, took) = Timed(() => _host.Hotplug("online", 3, 0));
        Assert.True(r.Ok, r.ToString());
        Assert.True(took < WellBeforeLibxlKills, $"took {took}");
        Assert.Contains("10-hang.hook killed: still running when the hotplug deadline ran out", r.StdErr, StringComparison.Ordinal);
        Assert.Contains("20-hang.hook skipped: the hotplug deadline has run out", r.StdErr, StringComparison.Ordinal);
        Assert.Equal("connected", _host.Backend(3, 0, "hotplug-status"));
        Assert.Equal("xenbr0", _host.Dom0.MasterOf("vif3.0"));
        foreach (var pid in File.ReadAllLines(pids))
            Assert.False(Directory.Exists("/proc/" + pid) && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), $"hook {pid} still runs");
    }

    [Fact]
    public void A_held_attach_lock_ends_at_the_deadline_with_hotplug_error()
    {
        _host.WriteConfig("[bridge:xenbr0]\n[pool:default]\nbridges = xenbr0\n[policy]\ndefault_pool = default\n");
        Directory.CreateDirectory(_host.RunDir);
        var holder = Proc.Start("flock", [Path.Combine(_host.RunDir, "attach.lock"), "sleep", "120"]);
        try
        {
            // Wait (on a condition, not a sleep) until the holder has the lock.
            var lockFile = Path.Combine(_host.RunDir, "attach.lock");
            Assert.True(SpinWait.SpinUntil(() => Proc.Run("flock", ["-n", lockFile, "true"]).ExitCode != 0, TimeSpan.FromSeconds(30)));
            var before = VifState();
            var (r, took) = Timed(() => _host.Hotplug("online", 3, 0));
            Assert.Equal(1, r.ExitCode);
            Assert.True(took < WellBeforeLibxlKills, $"took {took}");
            var expected = $"deadline of 3 s reached while waiting for the lock in {_host.RunDir} (another hotplug holds it) ([hotplug] deadline)";
            Assert.Equal(expected, _host.Backend(3, 0, "hotplug-error"));
            Assert.EndsWith(expected, r.StdErr.Trim(), StringComparison.Ordinal);
            Assert.Equal(before, VifState());
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
    }

    [Fact]
    public void A_fifo_as_the_configuration_is_refused_without_opening_it()
    {
        File.Delete(_host.ConfigPath);
        Proc.Check("mkfifo", _host.ConfigPath);
        var before = VifState();
        var (r, took) = Timed(() => _host.Hotplug("online", 3, 0));
        Assert.Equal(1, r.ExitCode);
        Assert.True(took < WellBeforeLibxlKills, $"took {took}");
        var expected = $"{_host.ConfigPath} is not a regular file (a FIFO, socket or device is never read)";
        Assert.Equal(expected, _host.Backend(3, 0, "hotplug-error"));
        Assert.EndsWith(expected, r.StdErr.Trim(), StringComparison.Ordinal);
        Assert.Equal(before, VifState());
    }

    [Fact]
    public void The_deadline_is_validated()
    {
        var r = _host.Hotplug("online", 3, 0, extraEnv: new Dictionary<string, string> { ["XEN_MULTIBRIDGE_hotplug__deadline"] = "45" });
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("environment XEN_MULTIBRIDGE_hotplug__deadline: [hotplug] deadline: '45' is not a valid value (seconds, from 1 to 35)", _host.Backend(3, 0, "hotplug-error"));
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        foreach (var (k, v) in b) a[k] = v;
        return a;
    }
}
