using Serilog;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Request;
using XenHotplug.Host.Hotplug;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Hotplug;

public sealed class VifHotplugServiceTests : IDisposable
{
    private readonly string _runDir = Path.Combine(Path.GetTempPath(), "xhp-run-" + Guid.NewGuid().ToString("N"));
    private readonly FakeXenstore _xs = new();
    private readonly FakeSysfs _sys = new FakeSysfs().Add("xenbr0", bridge: true, mtu: 1400).Add("vif3.0", up: false);
    private readonly RecordingRunner _runner = new();

    public void Dispose()
    {
        if (Directory.Exists(_runDir)) Directory.Delete(_runDir, true);
    }

    private VifHotplugService Service(MultibridgeConfig? config = null, Func<string, bool>? holdsAddresses = null) =>
        new((config ?? MultibridgeConfig.Default) with { Hotplug = new HotplugOptions { RunDir = _runDir, HooksDir = "/nonexistent", DeviceWait = 0.05 } },
            _xs, _sys, _runner, new LoggerConfiguration().CreateLogger())
        { HoldsAddresses = holdsAddresses ?? (_ => false) };

    private static HotplugRequest Online => new(HotplugCommand.Online, InterfaceType.Vif, "vif3.0", "backend/vif/3/0", 3, 0, new Dictionary<string, string>());

    [Fact]
    public void Online_runs_one_batch_and_writes_the_keys()
    {
        _xs.Write("backend/vif/3/0/bridge", "xenbr0");
        Service().Run(Online, dryRun: false, TextWriter.Null);
        Assert.Single(_runner.Batches);
        Assert.Contains("ip link set dev vif3.0 master xenbr0", _runner.Lines(0));
        Assert.Contains("ip link set dev vif3.0 mtu 1400", _runner.Lines(0));
        Assert.Equal("connected", _xs.Read("backend/vif/3/0/hotplug-status"));
        Assert.Equal("1400", _xs.Read("/local/domain/3/device/vif/0/mtu"));
    }

    [Fact]
    public void Dry_run_changes_nothing_and_prints_the_plan()
    {
        _xs.Write("backend/vif/3/0/bridge", "xenbr0");
        var output = new StringWriter();
        Service().Run(Online, dryRun: true, output);
        Assert.Empty(_runner.Batches);
        Assert.Null(_xs.Read("backend/vif/3/0/hotplug-status"));
        Assert.Contains("bridge: xenbr0", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("ip link set dev vif3.0 master xenbr0", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("xenstore-write backend/vif/3/0/hotplug-status connected", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_half_way_puts_the_device_back()
    {
        _xs.Write("backend/vif/3/0/bridge", "xenbr0");
        _xs.Write("backend/vif/3/0/vifname", "web-nic");
        _runner.FailAt = (0, 4);
        var e = Assert.Throws<HotplugException>(() => Service().Run(Online, dryRun: false, TextWriter.Null));
        Assert.Contains("injected failure", e.Message, StringComparison.Ordinal);
        Assert.Contains("vif3.0 was put back as it was", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, _runner.Batches.Count);
        Assert.True(_runner.KeepGoing[1]);
        Assert.Contains("ip link set dev web-nic name vif3.0", _runner.Lines(1));
        Assert.Null(_xs.Read("backend/vif/3/0/hotplug-status"));
    }

    [Fact]
    public void Missing_device_times_out_clearly()
    {
        _sys.Links.Remove("vif3.0");
        _xs.Write("backend/vif/3/0/bridge", "xenbr0");
        var e = Assert.Throws<HotplugException>(() => Service().Run(Online, dryRun: false, TextWriter.Null));
        Assert.Equal("device vif3.0 did not appear within 0.05 s (is netback loaded?)", e.Message);
        Assert.Empty(_runner.Batches);
    }

    [Fact]
    public void Offline_of_an_unknown_vif_succeeds_quietly()
    {
        _sys.Links.Remove("vif3.0");
        Service().Run(Online with { Command = HotplugCommand.Offline }, dryRun: false, TextWriter.Null);
        Assert.Empty(_runner.Batches);
    }

    [Fact]
    public void Offline_is_best_effort_from_the_real_master()
    {
        _sys.Links["vif3.0"].Master = "xenbr7";
        Service().Run(Online with { Command = HotplugCommand.Offline }, dryRun: false, TextWriter.Null);
        Assert.Equal(["ip link set dev vif3.0 down", "ip link set dev vif3.0 nomaster"], _runner.Lines(0));
        Assert.True(_runner.KeepGoing[0]);
    }

    [Fact]
    public void Declared_missing_bridge_is_created_with_its_uplink_when_the_uplink_has_no_address()
    {
        var config = TestConfig.Load("[bridge:xenbr5]\nuplink = eth5\nmtu = 9000\n", "f");
        _sys.Add("eth5");
        _xs.Write("backend/vif/3/0/bridge", "xenbr5");
        Service(config).Run(Online, dryRun: false, TextWriter.Null);
        Assert.Equal([
            "ip link add name xenbr5 mtu 9000 type bridge stp_state 0 forward_delay 0",
            "ip link set dev eth5 master xenbr5",
            "ip link set dev eth5 up",
            "ip link set dev xenbr5 up",
        ], _runner.Lines(0));
        Assert.Contains("ip link set dev vif3.0 mtu 9000", _runner.Lines(1));
    }

    [Fact]
    public void Declared_missing_bridge_whose_uplink_carries_addresses_is_network_multibridges_job()
    {
        var config = TestConfig.Load("[bridge:xenbr5]\nuplink = eth5\n", "f");
        _sys.Add("eth5");
        _xs.Write("backend/vif/3/0/bridge", "xenbr5");
        var e = Assert.Throws<HotplugException>(() => Service(config, holdsAddresses: d => d == "eth5").Run(Online, dryRun: false, TextWriter.Null));
        Assert.Contains("carries addresses: run 'network-multibridge start'", e.Message, StringComparison.Ordinal);
        Assert.Empty(_runner.Batches);
    }
}
