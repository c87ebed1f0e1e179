using System.Globalization;
using System.Text.RegularExpressions;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Host.Configuration;
using XenHotplug.Tests.Architecture;

namespace XenHotplug.Tests.Configuration;

public class ConfigSchemaTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    private static string ManPage => File.ReadAllText(Path.Combine(SourceTree.Root, "packaging", "man", "multibridge.ini.5"));

    /// <summary>The text of one ".SS [section]" of multibridge.ini(5).</summary>
    private static string Subsection(string heading)
    {
        var start = ManPage.IndexOf($".SS {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"multibridge.ini(5) has no subsection {heading}");
        var end = ManPage.IndexOf("\n.S", start + 4, StringComparison.Ordinal);
        return ManPage[start..(end < 0 ? ManPage.Length : end)];
    }

    private static string? Shown(ConfigKey key) => key switch
    {
        ConfigKey<double> d => d.Default.ToString(CultureInfo.InvariantCulture),
        ConfigKey<int> i => i.Default.ToString(CultureInfo.InvariantCulture),
        ConfigKey<bool> b => b.Default ? "yes" : "no",
        ConfigKey<string> s => s.Default,
        ConfigKey<NetworkBackend> n => ConfigNames.Backend.Name(n.Default),
        ConfigKey<UnhealthyAction> u => ConfigNames.WhenUnhealthy.Name(u.Default),
        ConfigKey<AntispoofMode> a => ConfigNames.Antispoof.Name(a.Default),
        ConfigKey<BridgeNaming> m => ConfigNames.Naming.Name(m.Default),
        ConfigKey<PoolStrategy> p => ConfigNames.Strategy.Name(p.Default),
        _ => null,
    };

    [Fact]
    public void Every_key_is_documented_in_its_subsection_with_the_default_it_has()
    {
        foreach (var key in ConfigSchema.All)
        {
            var text = Subsection(key.Documented);
            var entry = Regex.Match(text, $@"^\.BR? {Regex.Escape(key.Name)}(?: ""? ?\(default "" ([^ )]+) ?\))?", RegexOptions.Multiline);
            Assert.True(entry.Success, $"[{key.Section}] {key.Name} is not documented in multibridge.ini(5) {key.Documented}");
            if (entry.Groups[1].Success && Shown(key) is { } shown)
                Assert.True(entry.Groups[1].Value.Replace("\\-", "-", StringComparison.Ordinal) == shown,
                    $"[{key.Section}] {key.Name}: multibridge.ini(5) says the default is {entry.Groups[1].Value}, the code {shown}");
        }
    }

    [Fact]
    public void Keys_are_declared_once_and_every_section_kind_has_keys()
    {
        Assert.Equal(ConfigSchema.All.Count, ConfigSchema.All.Select(k => (k.Section, k.Name)).Distinct().Count());
        foreach (var section in ConfigSchema.PlainSections.Concat(ConfigSchema.NamedSections))
            Assert.NotEmpty(ConfigSchema.KeysOf(section));
        Assert.Equal(["device_wait", "deadline", "hooks_dir", "run_dir", "network_backend"], ConfigSchema.KeysOf("hotplug"));
    }

    [Fact]
    public void Defaults_come_from_the_schema()
    {
        var c = ConfigLoader.Build(null, NoEnv);
        Assert.Equal(ConfigSchema.Deadline.Default, c.Hotplug.Deadline);
        Assert.Equal(ConfigSchema.RunDir.Default, c.Hotplug.RunDir);
        Assert.Equal(NetworkBackend.Netlink, c.Hotplug.NetworkBackend);
        Assert.Equal(ConfigSchema.MaxMovesPerMinute.Default, c.Balancer.MaxMovesPerMinute);
        Assert.Equal(ConfigSchema.Announce.Default, c.Balancer.Announce);
    }

    [Fact]
    public void Name_tables_parse_any_case_print_the_first_word_and_offer_the_choices()
    {
        Assert.Equal(PoolStrategy.RoundRobin, ConfigNames.Strategy.Parse("Round-Robin"));
        Assert.Null(ConfigNames.Strategy.Parse("random"));
        Assert.Equal("least-traffic", ConfigNames.Strategy.Name(PoolStrategy.LeastTraffic));
        Assert.Equal("least-loaded, round-robin, sticky or least-traffic", ConfigNames.Strategy.Choices());
        Assert.Equal("yes or no", ConfigNames.YesNo.Choices());
        foreach (var mode in Enum.GetValues<AntispoofMode>()) Assert.Equal(mode, ConfigNames.Antispoof.Parse(ConfigNames.Antispoof.Name(mode)));
        foreach (var s in Enum.GetValues<PoolStrategy>()) Assert.Equal(s, ConfigNames.Strategy.Parse(ConfigNames.Strategy.Name(s)));
    }

    [Fact]
    public void A_value_from_the_environment_is_blamed_on_its_variable_one_from_the_file_on_its_line()
    {
        var doc = IniDocument.Parse("/etc/xen/multibridge.ini", "[hotplug]\ndeadline = 20\n\n[bridge:xenbr0]\nmtu = 15\n");
        var fromEnv = Assert.Throws<ConfigException>(() => ConfigLoader.Build(doc, new Dictionary<string, string>
        {
            ["XEN_MULTIBRIDGE_hotplug__deadline"] = "90",
        })).Message;
        Assert.Equal("environment XEN_MULTIBRIDGE_hotplug__deadline: [hotplug] deadline: '90' is not a valid value (seconds, from 1 to 35)", fromEnv);
        var fromFile = Assert.Throws<ConfigException>(() => ConfigLoader.Build(doc, NoEnv)).Message;
        Assert.Equal("/etc/xen/multibridge.ini:5: [bridge:xenbr0] mtu: '15' is not an MTU (68-65535)", fromFile);
        var envOverFile = Assert.Throws<ConfigException>(() => ConfigLoader.Build(doc, new Dictionary<string, string>
        {
            ["XEN_MULTIBRIDGE_bridge__xenbr0__mtu"] = "1500",
            ["XEN_MULTIBRIDGE_bridge__xenbr0__weight"] = "-1",
        })).Message;
        Assert.Equal("environment XEN_MULTIBRIDGE_bridge__xenbr0__weight: [bridge:xenbr0] weight: '-1' is not a positive number", envOverFile);
        Assert.Equal(1500, ConfigLoader.Build(doc, new Dictionary<string, string> { ["XEN_MULTIBRIDGE_bridge__xenbr0__mtu"] = "1500" }).Bridges[0].Mtu);
    }
}
