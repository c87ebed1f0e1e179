using System.Text.Json.Nodes;
using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Network;

/// <summary>
/// start refuses an uplink whose IPv4 addressing is dynamic (nothing changes for that bridge), each bridge is started
/// on its own (partial exit status 3), and status follows LSB (0 healthy, 3 missing/unhealthy, 4 configuration broken).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DistributionUplinkTests
{
    private const string TwoBridges = "[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr1]\nuplink = eth1\n";

    private static SimulatedDom0 TwoUplinks()
    {
        var lab = new SimulatedDom0();
        try
        {
            lab.AddLanUplink("eth0", 0, defaultRoute: true);
            lab.AddLanUplink("eth1", 1, defaultRoute: false);
            lab.WriteConfig(TwoBridges);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private static string[] ErrorLines(ProcResult run) => run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string? Master(SimulatedDom0 lab, string dev) => lab.Dom0.Json("link", "show", dev)[0]!["master"]?.GetValue<string>();

    /// <summary>eth0 as a DHCP client leaves it: the address with a finite lifetime, the default route proto dhcp.</summary>
    private static void Lease(SimulatedDom0 lab, bool address, bool route)
    {
        if (address)
            lab.Dom0.Ip("address", "change", "10.77.0.2/24", "dev", "eth0", "valid_lft", "3600", "preferred_lft", "3600");
        if (route)
        {
            lab.Dom0.Ip("route", "delete", "default", "via", "10.77.0.1", "dev", "eth0");
            lab.Dom0.Ip("route", "add", "default", "via", "10.77.0.1", "dev", "eth0", "proto", "dhcp", "metric", "100");
        }
    }

    /// <summary>dom0's links, masters, addresses (without their ticking lifetimes) and routes, one line each.</summary>
    private static string View(SimulatedDom0 lab)
    {
        var lines = new List<string>();
        foreach (var link in lab.Dom0.Json("addr"))
        {
            var addresses = link!["addr_info"]!.AsArray().Where(a => a!["scope"]!.GetValue<string>() == "global")
                .Select(a => $"{a!["local"]}/{a["prefixlen"]}").Order(StringComparer.Ordinal);
            lines.Add($"{link["ifname"]} master={link["master"]} {string.Join(',', addresses)}");
        }
        foreach (var args in new[] { new[] { "route" }, new[] { "-6", "route" } })
        {
            foreach (var r in lab.Dom0.Json(args))
                lines.Add($"route {r!["dst"]} via {r["gateway"]} dev {r["dev"]} proto {r["protocol"]} metric {r["metric"]}");
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    [Theory]
    [InlineData(true, false, "its IPv4 address 10.77.0.2/24 is dynamic (valid_lft")]
    [InlineData(false, true, "its IPv4 route default via 10.77.0.1 is proto dhcp")]
    public void Dynamic_uplink_is_refused_nothing_changes_for_it_and_the_other_bridge_is_built(bool address, bool route, string cause)
    {
        using var lab = TwoUplinks();
        Lease(lab, address, route);
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n");
        var before = View(lab);

        // Alone: refused, exit 1, one line naming the cause and the way out, nothing changed.
        var alone = lab.NetworkTool("start");
        Assert.True(alone.ExitCode == 1, alone.ToString());
        var line = Assert.Single(ErrorLines(alone));
        Assert.Contains("bridge xenbr0: not moving eth0: " + cause, line, StringComparison.Ordinal);
        Assert.Contains("network-multibridge render", line, StringComparison.Ordinal);
        Assert.Contains("--force", line, StringComparison.Ordinal);
        Assert.Equal(before, View(lab));
        Assert.False(File.Exists(Path.Combine(lab.RunDir, "network.journal")));
        var dry = lab.NetworkTool("start", "--dry-run");
        Assert.Equal(1, dry.ExitCode);
        Assert.Contains("refused", dry.StdOut, StringComparison.Ordinal);

        // With a second, static uplink: that bridge is built, eth0 is left alone, exit 3 (partial).
        lab.WriteConfig(TwoBridges);
        var partial = lab.NetworkTool("start");
        Assert.True(partial.ExitCode == 3, partial.ToString());
        Assert.Contains("not moving eth0", Assert.Single(ErrorLines(partial)), StringComparison.Ordinal);
        Assert.Equal("xenbr1", Master(lab, "eth1"));
        Assert.Null(Master(lab, "eth0"));
        Assert.Equal(["xenbr1"], lab.Dom0.Json("link", "show", "type", "bridge").Select(l => l!["ifname"]!.GetValue<string>()));
        Assert.Equal("eth0", lab.Dom0.Json("route", "show", "default")[0]!["dev"]!.GetValue<string>());
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
        Assert.True(lab.Dom0.Ping("10.77.1.1", seconds: 5));
        Assert.Equal(0, lab.NetworkTool("stop").ExitCode);
        Assert.Equal(before, View(lab));

        // --force: the admin knows; the bridge is built.
        var forced = lab.NetworkTool("start", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal("xenbr0", Master(lab, "eth0"));
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));
    }

    [Fact]
    public void With_a_missing_nic_the_other_bridges_are_built_the_exit_is_partial_and_status_says_which_is_missing()
    {
        using var lab = TwoUplinks();
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n\n[bridge:xenbr9]\nuplink = enp9s0\n\n[bridge:xenbr1]\nuplink = eth1\n");
        var start = lab.NetworkTool("start");
        Assert.True(start.ExitCode == 3, start.ToString());
        Assert.Contains("bridge xenbr9: uplink enp9s0 does not exist", Assert.Single(ErrorLines(start)), StringComparison.Ordinal);
        Assert.Equal("xenbr0", Master(lab, "eth0"));
        Assert.Equal("xenbr1", Master(lab, "eth1"));
        Assert.True(lab.Dom0.Ping("10.77.0.1", seconds: 5));

        var status = lab.NetworkTool("status");
        Assert.True(status.ExitCode == 3, status.ToString());
        Assert.Matches(@"xenbr9\s+enp9s0\s+-\s+-\s+-\s+0\s+-\s+missing", status.StdOut);
        Assert.Matches(@"xenbr0\s+eth0\s+yes.*\sok\n", status.StdOut);
        Assert.Contains("configuration: " + lab.ConfigPath, status.StdOut, StringComparison.Ordinal);

        var stop = lab.NetworkTool("stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Null(Master(lab, "eth0"));
    }

    [Fact]
    public void Status_with_a_lost_address_or_default_route_is_unhealthy_with_exit_3()
    {
        using var lab = TwoUplinks();
        lab.WriteConfig("[bridge:xenbr0]\nuplink = eth0\n");
        Assert.Equal(0, lab.NetworkTool("start").ExitCode);
        Assert.Equal(0, lab.NetworkTool("status").ExitCode);

        lab.Dom0.Ip("route", "delete", "default", "via", "10.77.0.1", "dev", "xenbr0");
        var noRoute = lab.NetworkTool("status");
        Assert.True(noRoute.ExitCode == 3, noRoute.ToString());
        Assert.Contains("lost route default via 10.77.0.1 (start moved it here)", noRoute.StdOut, StringComparison.Ordinal);

        lab.Dom0.Ip("address", "delete", "10.77.0.2/24", "dev", "xenbr0");
        var noAddress = lab.NetworkTool("status", "--json");
        Assert.True(noAddress.ExitCode == 3, noAddress.ToString());
        var json = JsonNode.Parse(noAddress.StdOut)!;
        Assert.False(json["healthy"]!.GetValue<bool>());
        Assert.Equal("lost address 10.77.0.2/24 (start moved it here)", json["bridges"]![0]!["health"]!.GetValue<string>());
        Assert.Equal(lab.ConfigPath, json["config"]!.GetValue<string>());
    }

    [Fact]
    public void Status_exits_0_without_a_configuration_and_4_with_a_broken_one()
    {
        using var lab = TwoUplinks();
        File.Delete(lab.ConfigPath);
        var none = lab.NetworkTool("status");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Contains("(no bridges declared)", none.StdOut, StringComparison.Ordinal);
        Assert.Contains($"configuration: {lab.ConfigPath} does not exist", none.StdOut, StringComparison.Ordinal);
        var dry = lab.NetworkTool("start", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Contains($"no bridges declared in {lab.ConfigPath} does not exist", dry.StdOut, StringComparison.Ordinal);

        lab.WriteConfig("[bridge:xenbr0\nuplink = eth0\n");
        var broken = lab.NetworkTool("status");
        Assert.True(broken.ExitCode == 4, broken.ToString());
        Assert.Contains("multibridge.ini:1", Assert.Single(ErrorLines(broken)), StringComparison.Ordinal);
        Assert.Equal(2, lab.NetworkTool("status", "--bogus").ExitCode);
    }

    [Fact]
    public void Suggest_prints_a_template_that_is_a_valid_configuration_without_reading_one()
    {
        using var lab = TwoUplinks();
        lab.WriteConfig("[bridge:xenbr0\n"); // broken: suggest does not read it
        var r = lab.NetworkTool("suggest");
        Assert.True(r.ExitCode == 0, r.ToString());
        // veths are not physical NICs: the template falls back to a host-only bridge.
        Assert.Contains("No physical NIC with a carrier was found", r.StdOut, StringComparison.Ordinal);
        lab.WriteConfig(r.StdOut);
        var status = lab.NetworkTool("status");
        Assert.True(status.ExitCode == 3, status.ToString()); // valid, and the bridge it declares is not built yet
        Assert.Matches(@"xenbr0\s+-\s+-\s+-\s+-\s+0\s+default\s+missing", status.StdOut);
    }
}
