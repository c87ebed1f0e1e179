using XenHotplug.Core.Bridges;
using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;

namespace XenHotplug.Tests.CommandLine;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CommandLineTests
{
    private static readonly MultibridgeConfig Config = new()
    {
        SourceFile = "/etc/xen/multibridge.ini",
        Bridges = [new BridgeDeclaration("xenbr0", "eth0", null, 1), new BridgeDeclaration("xenbr1", "eth1", 9000, 1), new BridgeDeclaration("xenhost", null, null, 1)],
    };

    [Fact]
    public void Parse_commands_and_options()
    {
        var c = NetworkArguments.Parse(["-v", "stop", "--force", "--dry-run"]);
        Assert.Equal(NetworkCommand.Stop, c.Command);
        Assert.True(c.Force && c.DryRun && c.Verbose && !c.Json && !c.Classic);
        Assert.True(NetworkArguments.Parse(["status", "--json"]).Json);
        Assert.True(NetworkArguments.Parse(["status", "--firewall", "--json"]) is { Firewall: true, Json: true });
        Assert.Equal(NetworkCommand.Help, NetworkArguments.Parse(["start", "--help"]).Command);
        Assert.Equal(NetworkCommand.Version, NetworkArguments.Parse(["--version"]).Command);
        Assert.Equal(NetworkCommand.Restart, NetworkArguments.Parse(["restart"]).Command);
        Assert.True(NetworkArguments.Parse(["status", "--format", "prometheus"]) is { Prometheus: true, Json: false });
        Assert.True(NetworkArguments.Parse(["status", "--format=json"]) is { Prometheus: false, Json: true });
        Assert.True(NetworkArguments.Parse(["status", "--format", "table"]) is { Prometheus: false, Json: false });
    }

    [Theory]
    [InlineData("")]
    [InlineData("launch")]
    [InlineData("start stop")]
    [InlineData("start --bogus")]
    [InlineData("start --json")]
    [InlineData("status --force")]
    [InlineData("start --firewall")]
    [InlineData("status --format")]
    [InlineData("status --format xml")]
    [InlineData("start --format prometheus")]
    [InlineData("status --format prometheus --json")]
    [InlineData("status --format prometheus --firewall")]
    [InlineData("start colour=red")]
    [InlineData("start vifnum=x")]
    [InlineData("start netdev=bad/name")]
    public void Parse_bad_usage(string args)
    {
        Assert.Throws<UsageException>(() => NetworkArguments.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Bridges_all_declared_in_file_order()
    {
        var specs = NetworkArguments.Parse(["start"]).Bridges(Config);
        Assert.Equal(["xenbr0", "xenbr1", "xenhost"], specs.Select(s => s.Name));
        Assert.Equal(9000, specs[1].Mtu);
        Assert.Null(specs[2].Uplink);
    }

    [Fact]
    public void Bridges_legacy_names_the_bridge_after_the_nic()
    {
        var specs = NetworkArguments.Parse(["start"]).Bridges(Config with { Naming = BridgeNaming.Legacy });
        Assert.Equal(new BridgeSpec("xenbr0", "eth0", "eth0", "peth0", null), specs[0]);
        Assert.Equal(new BridgeSpec("xenhost", "xenhost", null, null, null), specs[2]);
    }

    [Fact]
    public void Bridges_from_classic_arguments()
    {
        Assert.Equal(new BridgeSpec("xenbr7", "xenbr7", "eth7", "eth7", null), NetworkArguments.Parse(["start", "vifnum=7"]).Bridges(Config).Single());
        Assert.Equal(new BridgeSpec("xenbr5", "xenbr5", "eth5", "eth5", null), NetworkArguments.Parse(["start", "bridge=xenbr5"]).Bridges(Config).Single());
        Assert.Equal("xenbr1", NetworkArguments.Parse(["start", "netdev=eth1"]).Bridges(Config).Single().Name);
        Assert.Equal(9000, NetworkArguments.Parse(["start", "bridge=xenbr1"]).Bridges(Config).Single().Mtu);
        Assert.Equal(new BridgeSpec("br-x", "br-x", "eth4", "eth4", null), NetworkArguments.Parse(["start", "netdev=eth4", "bridge=br-x"]).Bridges(Config).Single());
    }

    [Fact]
    public void Bridges_from_classic_arguments_that_conflict_with_the_configuration_are_refused()
    {
        var e = Assert.Throws<BridgeException>(() => NetworkArguments.Parse(["start", "bridge=xenbr0", "netdev=eth1"]).Bridges(Config));
        Assert.Contains("declared with uplink eth0", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<BridgeException>(() => NetworkArguments.Parse(["start", "bridge=xenbr9", "netdev=eth1"]).Bridges(Config));
        Assert.Contains("uplink of [bridge:xenbr1]", e.Message, StringComparison.Ordinal);
    }
}
