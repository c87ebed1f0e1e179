using XenHotplug.Core.Configuration;
using XenHotplug.Host.Configuration;

namespace XenHotplug.Tests.Support;

/// <summary>
/// The configuration as the tools load it, from INI text and no environment; and the two-bridge pool most
/// placement and balancing tests start from. A test whose INI is its point keeps that INI inline.
/// </summary>
internal static class TestConfig
{
    /// <summary>xenbr0 (uplink eth0) and xenbr1 (uplink eth1) in one pool, p.</summary>
    public const string TwoBridgePool = """
        [bridge:xenbr0]
        uplink = eth0
        [bridge:xenbr1]
        uplink = eth1
        [pool:p]
        bridges = xenbr0 xenbr1

        """;

    private static readonly Dictionary<string, string> NoEnvironment = [];

    /// <summary>Loads <paramref name="ini"/> as if read from <paramref name="file"/> (messages name it).</summary>
    public static MultibridgeConfig Load(string ini, string file = "multibridge.ini", IReadOnlyDictionary<string, string>? environment = null) =>
        ConfigLoader.Build(IniDocument.Parse(file, ini), environment ?? NoEnvironment);
}
