using System.Globalization;
using Microsoft.Extensions.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Configuration;

/// <summary>
/// One validation pass over the merged configuration (the INI document, then the environment overrides):
/// every mistake becomes a <see cref="ConfigException"/> naming the file, line, section and key. Values are
/// read as text and parsed here, so every message says exactly which value is wrong and why.
/// </summary>
public static class ConfigValidator
{
    public const string DefaultPath = "/etc/xen/multibridge.ini";

    /// <summary>
    /// The largest [hotplug] deadline: libxl kills a hotplug script after 40 s, and a failure still needs
    /// up to <c>ReportGrace</c> (2 s) to reach hotplug-error.
    /// </summary>
    public const double MaxDeadline = 35;

    private static readonly string[] HotplugKeys = ["device_wait", "deadline", "hooks_dir", "run_dir", "network_backend"];
    private static readonly string[] PolicyKeys = ["auto_bridge", "default_pool", "when_unhealthy", "antispoof"];
    private static readonly string[] NetworkKeys = ["naming"];
    private static readonly string[] BridgeKeys = ["uplink", "mtu", "weight"];
    private static readonly string[] PoolKeys = ["bridges", "strategy", "antispoof", "shared_segment", "failback"];
    private static readonly string[] BalancerKeys = ["interval", "threshold", "max_moves_per_minute", "hold", "min_rate", "announce"];
    private static readonly string[] RuleKeys = ["pool", "bridge", "antispoof"];

    /// <summary>Validates <paramref name="configuration"/>; <paramref name="document"/> (null: no file) gives line numbers and section order.</summary>
    public static MultibridgeConfig Validate(IConfiguration configuration, IniDocument? document, string? runDirOverride) =>
        new Reader(configuration, document).Read(runDirOverride);

    /// <summary>One validation pass over the merged configuration.</summary>
    private sealed class Reader(IConfiguration configuration, IniDocument? document)
    {
        private string Where(string section, string? key = null) =>
            document?.Where(section, key) is { } w && w != document.FileName ? w
            : document is not null && key is null ? document.FileName
            : key is null ? $"environment XEN_MULTIBRIDGE_{section}" : $"environment XEN_MULTIBRIDGE_{section.Replace(":", "__", StringComparison.Ordinal)}__{key}";

        private ConfigException Error(string section, string? key, string message) =>
            new($"{Where(section, key)}: [{section}]{(key is null ? "" : " " + key)}: {message}");

        public MultibridgeConfig Read(string? runDirOverride)
        {
            foreach (var child in configuration.GetChildren())
            {
                if (child.Value is not null) continue; // plain XEN_MULTIBRIDGE_CONFIG, _RUNDIR, ...: not sections
                switch (child.Key.ToLowerInvariant())
                {
                    case "hotplug": CheckKeys("hotplug", child, HotplugKeys); break;
                    case "policy": CheckKeys("policy", child, PolicyKeys); break;
                    case "network": CheckKeys("network", child, NetworkKeys); break;
                    case "balancer": CheckKeys("balancer", child, BalancerKeys); break;
                    case "bridge" or "pool" or "domain": break;
                    default:
                        throw new ConfigException($"{Where(child.Key)}: unknown section [{child.Key}] (expected hotplug, policy, network, balancer, bridge:NAME, pool:NAME, domain:GLOB)");
                }
            }

            var defaults = new HotplugOptions();
            var hotplug = new HotplugOptions
            {
                DeviceWait = Seconds("hotplug", "device_wait", defaults.DeviceWait, 0, 600),
                Deadline = Seconds("hotplug", "deadline", defaults.Deadline, 1, MaxDeadline),
                HooksDir = Text("hotplug", "hooks_dir") ?? defaults.HooksDir,
                RunDir = !string.IsNullOrEmpty(runDirOverride) ? runDirOverride : Text("hotplug", "run_dir") ?? defaults.RunDir,
                NetworkBackend = (Text("hotplug", "network_backend") ?? defaults.NetworkBackend).ToLowerInvariant(),
            };
            if (!Path.IsPathRooted(hotplug.RunDir))
                throw Error("hotplug", "run_dir", $"'{hotplug.RunDir}' must be an absolute path");
            if (hotplug.NetworkBackend is not ("netlink" or "ip"))
                throw Error("hotplug", "network_backend", $"unknown value '{hotplug.NetworkBackend}' (netlink or ip)");
            var policy = new PolicyOptions
            {
                AutoBridge = Text("policy", "auto_bridge") ?? "",
                DefaultPool = Text("policy", "default_pool") ?? "",
                WhenUnhealthy = Text("policy", "when_unhealthy") ?? "fallback",
                Antispoof = Text("policy", "antispoof") ?? "off",
            };
            var network = new NetworkOptions { Naming = Text("network", "naming") ?? "xenbr" };

            var bridges = ReadBridges();
            var pools = ReadPools(bridges);
            var rules = ReadRules(bridges, pools);
            var defaultPool = string.IsNullOrWhiteSpace(policy.DefaultPool) ? null : policy.DefaultPool.Trim();
            if (defaultPool is not null && !pools.ContainsKey(defaultPool))
                throw Error("policy", "default_pool", $"unknown pool '{defaultPool}' (no [pool:{defaultPool}] section)");
            var autoBridges = new HashSet<string>(Words(policy.AutoBridge), StringComparer.Ordinal);
            foreach (var name in autoBridges)
            {
                if (InterfaceName.Problem(name) is { } problem)
                    throw Error("policy", "auto_bridge", problem);
            }
            var unhealthy = policy.WhenUnhealthy.Trim().ToLowerInvariant() switch
            {
                "fallback" => UnhealthyAction.Fallback,
                "fail" => UnhealthyAction.Fail,
                var other => throw Error("policy", "when_unhealthy", $"unknown value '{other}' (fallback or fail)"),
            };
            var naming = network.Naming.Trim().ToLowerInvariant() switch
            {
                "xenbr" => BridgeNaming.Xenbr,
                "legacy" => BridgeNaming.Legacy,
                var other => throw Error("network", "naming", $"unknown value '{other}' (xenbr or legacy)"),
            };
            return new MultibridgeConfig
            {
                SourceFile = document?.FileName,
                Hotplug = hotplug,
                AutoBridges = autoBridges,
                DefaultPool = defaultPool,
                WhenUnhealthy = unhealthy,
                Naming = naming,
                Antispoof = Antispoof("policy", policy.Antispoof) ?? AntispoofMode.Off,
                Bridges = bridges,
                Pools = pools,
                DomainRules = rules,
                Balancer = ReadBalancer(),
            };
        }

        private BalancerOptions ReadBalancer()
        {
            var d = new BalancerOptions();
            return new BalancerOptions
            {
                Interval = Seconds("balancer", "interval", d.Interval, 0.2, 3600),
                Threshold = Number("balancer", "threshold", d.Threshold, 1.01, 100, "times the fair share"),
                MaxMovesPerMinute = (int)Number("balancer", "max_moves_per_minute", d.MaxMovesPerMinute, 0, 10000, "moves"),
                Hold = Seconds("balancer", "hold", d.Hold, 0, 86400),
                MinRateMbps = Number("balancer", "min_rate", d.MinRateMbps, 0, 1e7, "Mbit/s"),
                Announce = YesNo("balancer", "announce", d.Announce),
            };
        }

        private double Number(string section, string key, double fallback, double min, double max, string unit)
        {
            if (Text(section, key) is not { } text) return fallback;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || value < min || value > max
                || (unit == "moves" && value != Math.Floor(value)))
                throw Error(section, key, $"'{text}' is not a valid value ({unit}, from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            return value;
        }

        private bool YesNo(string section, string key, bool fallback) => Text(section, key)?.ToLowerInvariant() switch
        {
            null => fallback,
            "yes" or "true" or "on" or "1" => true,
            "no" or "false" or "off" or "0" => false,
            var other => throw Error(section, key, $"'{other}' is not yes or no"),
        };

        /// <summary>A key's value, trimmed; null when absent or blank.</summary>
        private string? Text(string section, string key) => Trimmed(configuration.GetSection(section)[key]);

        private double Seconds(string section, string key, double fallback, double min, double max)
        {
            if (Text(section, key) is not { } text) return fallback;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value) || value < min || value > max)
                throw Error(section, key, $"'{text}' is not a valid value (seconds, from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            return value;
        }

        private void CheckKeys(string section, IConfigurationSection node, string[] allowed)
        {
            foreach (var key in node.GetChildren())
            {
                if (Array.IndexOf(allowed, key.Key.ToLowerInvariant()) < 0)
                    throw Error(section, key.Key, $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }
        }

        private IEnumerable<IConfigurationSection> Ordered(string kind)
        {
            // File order for sections the file declares (rule order matters), then environment-only ones.
            // Sections without keys are not in the configuration at all: take their names from the file.
            var parent = configuration.GetSection(kind);
            var order = document is null ? [] : document.Sections
                .Where(s => s.StartsWith(kind + ":", StringComparison.OrdinalIgnoreCase))
                .Select(s => s[(kind.Length + 1)..]).ToList();
            var names = new List<string>(order);
            foreach (var child in parent.GetChildren())
            {
                if (!names.Exists(n => string.Equals(n, child.Key, StringComparison.OrdinalIgnoreCase))) names.Add(child.Key);
            }
            return names.Select(parent.GetSection);
        }

        private List<BridgeDeclaration> ReadBridges()
        {
            var result = new List<BridgeDeclaration>();
            var uplinks = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var node in Ordered("bridge"))
            {
                var section = "bridge:" + node.Key;
                if (node.Value is not null)
                    throw new ConfigException($"{Where("bridge")}: 'bridge' must be a section [bridge:NAME]");
                CheckKeys(section, node, BridgeKeys);
                if (InterfaceName.Problem(node.Key) is { } nameProblem)
                    throw Error(section, null, $"bridge name: {nameProblem}");
                var uplink = Trimmed(node["uplink"]);
                if (uplink is not null)
                {
                    if (InterfaceName.Problem(uplink) is { } problem)
                        throw Error(section, "uplink", problem);
                    if (uplinks.TryGetValue(uplink, out var other))
                        throw Error(section, "uplink", $"'{uplink}' is already the uplink of [bridge:{other}]");
                    uplinks[uplink] = node.Key;
                }
                int? mtu = null;
                if (Trimmed(node["mtu"]) is { } mtuText)
                {
                    if (!int.TryParse(mtuText, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m < 68 || m > 65535)
                        throw Error(section, "mtu", $"'{mtuText}' is not an MTU (68-65535)");
                    mtu = m;
                }
                var weight = 1.0;
                if (Trimmed(node["weight"]) is { } weightText)
                {
                    if (!double.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || !(weight > 0) || double.IsInfinity(weight))
                        throw Error(section, "weight", $"'{weightText}' is not a positive number");
                }
                result.Add(new BridgeDeclaration(node.Key, uplink, mtu, weight));
            }
            foreach (var b in result)
            {
                if (uplinks.TryGetValue(b.Name, out var owner) && b.Uplink != b.Name)
                    throw Error("bridge:" + b.Name, null, $"'{b.Name}' is both a bridge and the uplink of [bridge:{owner}]");
            }
            return result;
        }

        private Dictionary<string, PoolDeclaration> ReadPools(List<BridgeDeclaration> bridges)
        {
            var pools = new Dictionary<string, PoolDeclaration>(StringComparer.Ordinal);
            foreach (var node in Ordered("pool"))
            {
                var section = "pool:" + node.Key;
                if (node.Value is not null)
                    throw new ConfigException($"{Where("pool")}: 'pool' must be a section [pool:NAME]");
                CheckKeys(section, node, PoolKeys);
                var members = Words(node["bridges"]).ToList();
                if (members.Count == 0)
                    throw Error(section, "bridges", "the pool is empty: name at least one bridge");
                foreach (var m in members)
                {
                    if (!bridges.Exists(b => b.Name == m))
                        throw Error(section, "bridges", $"'{m}' is not declared (no [bridge:{m}] section)");
                }
                if (members.Distinct(StringComparer.Ordinal).Count() != members.Count)
                    throw Error(section, "bridges", "a bridge is listed twice");
                var strategyText = Trimmed(node["strategy"]) ?? "least-loaded";
                var strategy = strategyText.ToLowerInvariant() switch
                {
                    "least-loaded" => PoolStrategy.LeastLoaded,
                    "round-robin" => PoolStrategy.RoundRobin,
                    "sticky" => PoolStrategy.Sticky,
                    "least-traffic" => PoolStrategy.LeastTraffic,
                    _ => throw Error(section, "strategy", $"unknown strategy '{strategyText}' (least-loaded, round-robin, sticky or least-traffic)"),
                };
                pools[node.Key] = new PoolDeclaration(node.Key, members, strategy)
                {
                    SharedSegment = YesNo(section, "shared_segment", false),
                    Failback = YesNo(section, "failback", false),
                    Antispoof = Antispoof(section, Trimmed(node["antispoof"])),
                };
            }
            return pools;
        }

        private List<DomainRule> ReadRules(List<BridgeDeclaration> bridges, Dictionary<string, PoolDeclaration> pools)
        {
            var rules = new List<DomainRule>();
            foreach (var node in Ordered("domain"))
            {
                var section = "domain:" + node.Key;
                if (node.Value is not null)
                    throw new ConfigException($"{Where("domain")}: 'domain' must be a section [domain:GLOB]");
                CheckKeys(section, node, RuleKeys);
                if (GlobPattern.TryParse(node.Key, out var globError) is null)
                    throw Error(section, null, $"invalid glob: {globError}");
                var pool = Trimmed(node["pool"]);
                var bridge = Trimmed(node["bridge"]);
                if (pool is not null && bridge is not null)
                    throw Error(section, "bridge", "a rule names either a pool or a bridge, not both");
                var antispoof = Antispoof(section, Trimmed(node["antispoof"]));
                if (pool is null && bridge is null && antispoof is null)
                    throw Error(section, null, "the rule names neither 'pool' nor 'bridge' (nor 'antispoof')");
                if (pool is not null && !pools.ContainsKey(pool))
                    throw Error(section, "pool", $"unknown pool '{pool}' (no [pool:{pool}] section)");
                if (bridge is not null && InterfaceName.Problem(bridge) is { } problem)
                    throw Error(section, "bridge", problem);
                _ = bridges;
                rules.Add(new DomainRule(node.Key, pool, bridge) { Antispoof = antispoof });
            }
            return rules;
        }

        private AntispoofMode? Antispoof(string section, string? text) => text?.ToLowerInvariant() switch
        {
            null => null,
            "off" => AntispoofMode.Off,
            "mac" => AntispoofMode.Mac,
            "ip" => AntispoofMode.Ip,
            _ => throw Error(section, "antispoof", $"unknown value '{text}' (off, mac or ip)"),
        };

        private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static string[] Words(string? value) =>
        (value ?? "").Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
