using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using XenHotplug.Native;
using XenHotplug.Net;
using XenHotplug.Policy;

namespace XenHotplug.Configuration;

/// <summary>
/// Reads /etc/xen/multibridge.ini (or $XEN_MULTIBRIDGE_CONFIG) through Microsoft.Extensions.Configuration.Ini,
/// overridden by XEN_MULTIBRIDGE_&lt;Section&gt;__&lt;Key&gt; environment variables, and validates it:
/// every mistake becomes a <see cref="ConfigException"/> naming the file, line, section and key.
/// </summary>
public static class ConfigLoader
{
    public const string DefaultPath = "/etc/xen/multibridge.ini";
    public const string EnvironmentPrefix = "XEN_MULTIBRIDGE_";
    public const string PathVariable = "XEN_MULTIBRIDGE_CONFIG";
    public const string RunDirVariable = "XEN_MULTIBRIDGE_RUNDIR";

    private static readonly string[] HotplugKeys = ["device_wait", "hooks_dir", "run_dir", "network_backend"];
    private static readonly string[] PolicyKeys = ["auto_bridge", "default_pool", "when_unhealthy"];
    private static readonly string[] NetworkKeys = ["naming"];
    private static readonly string[] BridgeKeys = ["uplink", "mtu", "weight"];
    private static readonly string[] PoolKeys = ["bridges", "strategy"];
    private static readonly string[] RuleKeys = ["pool", "bridge"];

    /// <summary>
    /// Loads the configuration. <paramref name="environment"/> is the process environment (null: read it);
    /// a missing file means the defaults.
    /// </summary>
    public static MultibridgeConfig Load(IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Lookup(environment, PathVariable);
        if (string.IsNullOrEmpty(path)) path = DefaultPath;
        IniDocument? document = null;
        if (File.Exists(path))
        {
            var untrusted = FileOwner.WhyUntrusted(path);
            if (untrusted is not null)
                throw new ConfigException($"refusing configuration file: {untrusted}");
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"cannot read {path}: {e.Message}", e);
            }
            document = IniDocument.Parse(path, text);
        }
        return Build(document, environment);
    }

    /// <summary>Builds and validates the configuration from an already parsed document (null: no file).</summary>
    public static MultibridgeConfig Build(IniDocument? document, IReadOnlyDictionary<string, string>? environment)
    {
        var builder = new ConfigurationBuilder();
        if (document is not null)
            builder.AddIniStream(new MemoryStream(Encoding.UTF8.GetBytes(document.NormalizedText)));
        if (environment is null)
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        else
            builder.AddInMemoryCollection(EnvironmentOverrides(environment));
        var configuration = builder.Build();
        return new Reader(configuration, document).Read(environment);
    }

    private static string? Lookup(IReadOnlyDictionary<string, string>? environment, string name) =>
        environment is null ? Environment.GetEnvironmentVariable(name)
            : environment.TryGetValue(name, out var v) ? v : null;

    private static IEnumerable<KeyValuePair<string, string?>> EnvironmentOverrides(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (name, value) in environment)
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                yield return new(name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), value);
        }
    }

    /// <summary>One validation pass over the merged configuration.</summary>
    private sealed class Reader(IConfiguration configuration, IniDocument? document)
    {
        private string Where(string section, string? key = null) =>
            document?.Where(section, key) is { } w && w != document.FileName ? w
            : document is not null && key is null ? document.FileName
            : key is null ? $"environment XEN_MULTIBRIDGE_{section}" : $"environment XEN_MULTIBRIDGE_{section.Replace(":", "__", StringComparison.Ordinal)}__{key}";

        private ConfigException Error(string section, string? key, string message) =>
            new($"{Where(section, key)}: [{section}]{(key is null ? "" : " " + key)}: {message}");

        public MultibridgeConfig Read(IReadOnlyDictionary<string, string>? environment)
        {
            foreach (var child in configuration.GetChildren())
            {
                if (child.Value is not null) continue; // plain XEN_MULTIBRIDGE_CONFIG, _RUNDIR, ...: not sections
                switch (child.Key.ToLowerInvariant())
                {
                    case "hotplug": CheckKeys("hotplug", child, HotplugKeys); break;
                    case "policy": CheckKeys("policy", child, PolicyKeys); break;
                    case "network": CheckKeys("network", child, NetworkKeys); break;
                    case "bridge" or "pool" or "domain": break;
                    default:
                        throw new ConfigException($"{Where(child.Key)}: unknown section [{child.Key}] (expected hotplug, policy, network, bridge:NAME, pool:NAME, domain:GLOB)");
                }
            }

            var hotplug = Bind("hotplug", s => s.Get<HotplugOptions>());
            var runDir = Lookup(environment, RunDirVariable);
            if (!string.IsNullOrEmpty(runDir)) hotplug.RunDir = runDir;
            if (double.IsNaN(hotplug.DeviceWait) || hotplug.DeviceWait < 0 || hotplug.DeviceWait > 600)
                throw Error("hotplug", "device_wait", $"'{hotplug.DeviceWait.ToString(CultureInfo.InvariantCulture)}' must be between 0 and 600 seconds");
            if (!Path.IsPathRooted(hotplug.RunDir))
                throw Error("hotplug", "run_dir", $"'{hotplug.RunDir}' must be an absolute path");
            hotplug.NetworkBackend = hotplug.NetworkBackend.Trim().ToLowerInvariant();
            if (hotplug.NetworkBackend is not ("netlink" or "ip"))
                throw Error("hotplug", "network_backend", $"unknown value '{hotplug.NetworkBackend}' (netlink or ip)");
            var policy = Bind("policy", s => s.Get<PolicyOptions>());
            var network = Bind("network", s => s.Get<NetworkOptions>());

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
                Bridges = bridges,
                Pools = pools,
                DomainRules = rules,
            };
        }

        private T Bind<T>(string section, Func<IConfigurationSection, T?> bind) where T : class, new()
        {
            try
            {
                return bind(configuration.GetSection(section)) ?? new T();
            }
            catch (InvalidOperationException e)
            {
                // The binder says "Failed to convert configuration value 'x' at 'hotplug:device_wait' to type 'System.Double'."
                const string at = " at '";
                var i = e.Message.IndexOf(at, StringComparison.Ordinal);
                var key = i < 0 ? null : e.Message[(i + at.Length)..].Split('\'')[0].Split(':')[^1];
                var value = key is null ? null : configuration.GetSection(section)[key];
                throw Error(section, key, $"'{value}' is not a valid value");
            }
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
                    _ => throw Error(section, "strategy", $"unknown strategy '{strategyText}' (least-loaded, round-robin or sticky)"),
                };
                pools[node.Key] = new PoolDeclaration(node.Key, members, strategy);
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
                if (pool is null && bridge is null)
                    throw Error(section, null, "the rule names neither 'pool' nor 'bridge'");
                if (pool is not null && !pools.ContainsKey(pool))
                    throw Error(section, "pool", $"unknown pool '{pool}' (no [pool:{pool}] section)");
                if (bridge is not null && InterfaceName.Problem(bridge) is { } problem)
                    throw Error(section, "bridge", problem);
                _ = bridges;
                rules.Add(new DomainRule(node.Key, pool, bridge));
            }
            return rules;
        }

        private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private static string[] Words(string? value) =>
        (value ?? "").Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
