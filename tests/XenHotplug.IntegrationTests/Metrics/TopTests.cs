using System.Text;
using XenHotplug.IntegrationTests.Balancing;
using XenHotplug.TestSupport;
using Xunit.Abstractions;

namespace XenHotplug.IntegrationTests.Metrics;

/// <summary>
/// `network-multibridge top` on the balancer's simulated dom0, driven in a pseudo-terminal by a private tmux server
/// (its own socket in the test's work directory: no one else's tmux is touched), 80 columns by 30 lines.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TopTests(ITestOutputHelper output) : IDisposable
{
    private readonly List<SimulatedDom0> _hosts = [];

    public void Dispose()
    {
        foreach (var h in _hosts) h.Dispose();
    }

    private SimulatedDom0 Host()
    {
        var (host, _) = BalancerTests.NewHost(BalancerTests.Config(shared: true));
        _hosts.Add(host);
        for (var d = 1; d <= 3; d++)
        {
            host.AddGuest(d, 0, "pool:p", $"10.99.0.{10 + d}/24", name: d == 2 ? "web\e]0;owned\a" : null);
            BalancerTests.Online(host, d);
        }
        return host;
    }

    private sealed class Tmux(string socket) : IDisposable
    {
        public ProcResult Run(params string[] args) => Proc.Run("tmux", ["-S", socket, .. args], timeout: TimeSpan.FromSeconds(10));

        public string Screen() => Run("capture-pane", "-p", "-t", "top").StdOut;

        public string Format(string format) => Run("display-message", "-p", "-t", "top", format).StdOut.Trim();

        public void Dispose() => Run("kill-server");
    }

    [Theory]
    [InlineData("q")]
    [InlineData("C-c")]
    public void Top_in_a_terminal_shows_the_bridges_and_guests_and_quits_restoring_the_terminal(string key)
    {
        var host = Host();
        for (var d = 1; d <= 3; d++) Assert.True(host.Guest(d).Ping("10.99.0.1"), $"guest {d}");
        var exit = Path.Combine(host.WorkDir, "top.exit");
        var script = Path.Combine(host.WorkDir, "top.sh");
        var env = string.Join(' ', BalancerTests.Env(host, "0.5").Select(kv => $"'{kv.Key}={kv.Value}'"));
        File.WriteAllText(script, $"ip netns exec {host.Dom0.Name} env {env} {Binaries.Network} top\necho $? > {exit}\n");
        var conf = Path.Combine(host.WorkDir, "tmux.conf");
        File.WriteAllText(conf, "set -g remain-on-exit on\nset -g status off\n");
        using var tmux = new Tmux(Path.Combine(host.WorkDir, "tmux.sock"));
        var started = tmux.Run("-f", conf, "new-session", "-d", "-s", "top", "-x", "80", "-y", "30", "sh " + script);
        Assert.True(started.Ok, started.ToString());
        var written = Path.Combine(host.WorkDir, "pty.log"); // every byte top writes to its terminal
        Assert.True(tmux.Run("pipe-pane", "-t", "top", "-o", $"cat >> {written}").Ok);

        // The second refresh has rates: the uplinks' and the guests' Mb/s are numbers, no longer "-".
        Assert.True(BalancerTests.WaitFor(() => tmux.Screen() is var s && s.Contains("vif3.0", StringComparison.Ordinal) && RatesShown(s), TimeSpan.FromSeconds(20)),
            "top did not show its screen:\n" + tmux.Screen());
        var screen = tmux.Screen();
        output.WriteLine(screen);
        Assert.Contains("network-multibridge top: 3 bridges, 3 guests, every 0.5 s", screen, StringComparison.Ordinal);
        foreach (var name in new[] { "BRIDGE", "xbr0", "xbr1", "xbr2", "u0", "GUEST", "vif1.0", "vif2.0", "guest1", "q quits" })
            Assert.Contains(name, screen, StringComparison.Ordinal);
        Assert.Contains("web?]0;owned?", screen, StringComparison.Ordinal); // the guest's escape sequence is shown, not obeyed
        Assert.DoesNotContain("owned", tmux.Format("#{pane_title}"), StringComparison.Ordinal);
        Assert.All(screen.Split('\n'), l => Assert.True(l.Length <= 80, l));
        Assert.Equal("1", tmux.Format("#{alternate_on}"));
        Assert.Equal("0", tmux.Format("#{cursor_flag}"));

        Assert.True(tmux.Run("send-keys", "-t", "top", key).Ok);
        Assert.True(BalancerTests.WaitFor(() => File.Exists(exit) && File.ReadAllText(exit).Length > 0, TimeSpan.FromSeconds(10)), "top did not quit:\n" + tmux.Screen());
        Assert.Equal("0", File.ReadAllText(exit).Trim());
        Assert.True(BalancerTests.WaitFor(() => tmux.Format("#{pane_dead}") == "1", TimeSpan.FromSeconds(10)));
        // The terminal as top found it: the normal screen, and the last thing written shows the cursor again.
        Assert.Equal("0", tmux.Format("#{alternate_on}"));
        var bytes = File.ReadAllText(written);
        var left = bytes.LastIndexOf("\e[?1049l", StringComparison.Ordinal);
        Assert.True(left > bytes.LastIndexOf("\e[?1049h", StringComparison.Ordinal), "top did not leave the alternate screen");
        Assert.True(bytes.LastIndexOf("\e[?25h", StringComparison.Ordinal) > Math.Max(left, bytes.LastIndexOf("\e[?25l", StringComparison.Ordinal)), "top left the cursor hidden");
    }

    private static bool RatesShown(string screen) =>
        screen.Split('\n').Any(l => l.StartsWith("xbr0 ", StringComparison.Ordinal) && l.Contains('[', StringComparison.Ordinal));

    [Fact]
    public void Top_without_a_terminal_prints_one_plain_screen_and_exits()
    {
        var host = Host();
        var r = host.Dom0.Exec(Binaries.Network, ["top"], BalancerTests.Env(host, "0.3"), TimeSpan.FromSeconds(30));
        output.WriteLine(r.ToString());
        Assert.True(r.Ok, r.ToString());
        Assert.DoesNotContain('\e', r.StdOut);
        Assert.DoesNotContain('\r', r.StdOut);
        var lines = r.StdOut.TrimEnd('\n').Split('\n');
        Assert.StartsWith("network-multibridge top: 3 bridges, 3 guests, every 0.3 s", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("xbr0 ", StringComparison.Ordinal) && l.Contains('[', StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("vif2.0 ", StringComparison.Ordinal) && l.Contains("web?]0;owned?", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(Encoding.UTF8.GetByteCount(l) <= 80, l));
    }
}
