using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Safety;

/// <summary>network-multibridge refuses an INI whose bridge or uplink is dom0's loopback, a guest's vif or another bridge's port, with nothing changed.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NetworkGuardTests
{
    [Theory]
    [InlineData("[bridge:xenbr0]\nuplink = lo\n", "bridge xenbr0: uplink lo is dom0's loopback; refusing to touch it")]
    [InlineData("[bridge:xenbr1]\nuplink = vif5.0\n", "bridge xenbr1: uplink vif5.0 is a guest's vif; refusing to touch it")]
    [InlineData("[bridge:vif5.0]\n", "bridge vif5.0: bridge vif5.0 is a guest's vif; refusing to touch it")]
    [InlineData("[bridge:xenbr1]\nuplink = eth0\n", "bridge xenbr1: uplink eth0 is already a port of bridge xenbr0")]
    public void Start_and_stop_refuse_what_is_not_a_host_nic(string ini, string expected)
    {
        using var lab = new SimulatedDom0();
        lab.AddLanUplink("eth0", 0, defaultRoute: true);
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n");
        Assert.Equal(0, lab.NetworkTool("start").ExitCode);
        lab.Dom0.Ip("link", "add", "vif5.0", "type", "veth", "peer", "name", "p5.0"); // a guest's vif, not attached
        lab.WriteConfig(ini);
        var before = lab.Snapshot();
        foreach (var command in new[] { "start", "stop" })
        {
            var r = lab.NetworkTool(command);
            if (command == "stop" && expected.Contains("already a port", StringComparison.Ordinal)) continue; // stop of a bridge that never started: nothing to do
            Assert.Equal(1, r.ExitCode);
            var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, r.ToString());
            Assert.EndsWith(expected, lines[0], StringComparison.Ordinal);
            Assert.Null(lab.StateDifference(before));
        }
    }
}
