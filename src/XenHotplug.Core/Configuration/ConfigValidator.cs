using Microsoft.Extensions.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Configuration;

/// <summary>
/// One validation pass over the layered configuration (the INI file, the environment over it): every value is read
/// through its <see cref="ConfigSchema"/> declaration, and every mistake becomes a <see cref="ConfigException"/> that
/// names where the value came from (file:line, or the environment variable), the section and the key.
/// </summary>
public static class ConfigValidator
{
    public const string DefaultPath = "/etc/xen/multibridge.ini";

    /// <summary>
    /// Validates <paramref name="configuration"/>. <paramref name="where"/> says where a section's key (null: the
    /// section itself) came from; <paramref name="sectionOrder"/> is the file's section order (rule order matters, and
    /// a section without keys exists only there).
    /// </summary>
    public static MultibridgeConfig Validate(IConfiguration configuration, Func<string, string?, string> where, IReadOnlyList<string> sectionOrder,
        string? sourceFile, string? runDirOverride) =>
        new Reader(configuration, where, sectionOrder).Read(sourceFile, runDirOverride);

    private sealed class Reader(IConfiguration configuration, Func<string, string?, string> where, IReadOnlyList<string> sectionOrder)
    {
        private ConfigException Error(string section, string? key, string message) =>
            new($"{where(section, key)}: [{section}]{(key is null ? "" : " " + key)}: {message}");

        public MultibridgeConfig Read(string? sourceFile, string? runDirOverride)
        {
            foreach (var child in configuration.GetChildren())
            {
                if (child.Value is not null) continue; // plain XEN_MULTIBRIDGE_CONFIG, _RUNDIR, ...: not sections
                var name = child.Key.ToLowerInvariant();
                if (ConfigSchema.PlainSections.Contains(name)) CheckKeys(name, name, child);
                else if (!ConfigSchema.NamedSections.Contains(name))
                    throw new ConfigException($"{where(child.Key, null)}: unknown section [{child.Key}] (expected hotplug, policy, network, balancer, metrics, bridge:NAME, bond:NAME, pool:NAME, domain:GLOB)");
            }

            var node = Section("hotplug");
            var hotplug = new HotplugOptions
            {
                DeviceWait = Get(node, "hotplug", ConfigSchema.DeviceWait),
                Deadline = Get(node, "hotplug", ConfigSchema.Deadline),
                HooksDir = Get(node, "hotplug", ConfigSchema.HooksDir),
                RunDir = !string.IsNullOrEmpty(runDirOverride) ? runDirOverride : Get(node, "hotplug", ConfigSchema.RunDir),
                NetworkBackend = Get(node, "hotplug", ConfigSchema.Backend),
            };
            var policy = Section("policy");
            var autoBridges = Get(policy, "policy", ConfigSchema.AutoBridge);
            var unhealthy = Get(policy, "policy", ConfigSchema.WhenUnhealthy);
            var antispoof = Get(policy, "policy", ConfigSchema.Antispoof);
            var naming = Get(Section("network"), "network", ConfigSchema.Naming);
            var bonds = ReadBonds();
            var bridges = ReadBridges(bonds);
            var pools = ReadPools(bridges);
            var rules = ReadRules(pools);
            var defaultPool = Get(policy, "policy", ConfigSchema.DefaultPool);
            if (defaultPool is not null && !pools.ContainsKey(defaultPool))
                throw Error("policy", "default_pool", $"unknown pool '{defaultPool}' (no [pool:{defaultPool}] section)");
            return new MultibridgeConfig
            {
                SourceFile = sourceFile,
                Hotplug = hotplug,
                AutoBridges = new HashSet<string>(autoBridges, StringComparer.Ordinal),
                DefaultPool = defaultPool,
                WhenUnhealthy = unhealthy,
                Naming = naming,
                Antispoof = antispoof,
                DhcpTimeout = Get(policy, "policy", ConfigSchema.DhcpTimeout),
                Bridges = bridges,
                Bonds = bonds,
                Pools = pools,
                DomainRules = rules,
                Balancer = ReadBalancer(Section("balancer")),
                Metrics = new MetricsOptions
                {
                    Textfile = Get(Section("metrics"), "metrics", ConfigSchema.Textfile),
                    HotplugRuns = Get(Section("metrics"), "metrics", ConfigSchema.HotplugRuns),
                },
            };
        }

        private IConfigurationSection Section(string name) => configuration.GetSection(name);

        /// <summary>The key's value in <paramref name="node"/>, read by its declaration; its default when absent or blank.</summary>
        private T Get<T>(IConfigurationSection node, string section, ConfigKey<T> key)
        {
            if (Trimmed(node[key.Name]) is not { } text) return key.Default;
            return key.Parse(text, out var value) is { } problem ? throw Error(section, key.Name, problem) : value;
        }

        private BalancerOptions ReadBalancer(IConfigurationSection node) => new()
        {
            Interval = Get(node, "balancer", ConfigSchema.Interval),
            Threshold = Get(node, "balancer", ConfigSchema.Threshold),
            MaxMovesPerMinute = Get(node, "balancer", ConfigSchema.MaxMovesPerMinute),
            Hold = Get(node, "balancer", ConfigSchema.Hold),
            MinRateMbps = Get(node, "balancer", ConfigSchema.MinRate),
            Announce = Get(node, "balancer", ConfigSchema.Announce),
        };

        private void CheckKeys(string kind, string section, IConfigurationSection node)
        {
            var allowed = ConfigSchema.KeysOf(kind);
            foreach (var key in node.GetChildren())
            {
                if (!allowed.Contains(key.Key.ToLowerInvariant()))
                    throw Error(section, key.Key, $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }
        }

        /// <summary>The sections of one kind: the file's order for those it declares, then environment-only ones.</summary>
        private IEnumerable<(string Section, IConfigurationSection Node)> Named(string kind)
        {
            var parent = configuration.GetSection(kind);
            if (parent.Value is not null)
                throw new ConfigException($"{where(kind, null)}: '{kind}' must be a section [{kind}:{(kind == "domain" ? "GLOB" : "NAME")}]");
            var names = sectionOrder.Where(s => s.StartsWith(kind + ":", StringComparison.OrdinalIgnoreCase)).Select(s => s[(kind.Length + 1)..]).ToList();
            foreach (var child in parent.GetChildren())
            {
                if (!names.Exists(n => string.Equals(n, child.Key, StringComparison.OrdinalIgnoreCase))) names.Add(child.Key);
            }
            foreach (var name in names)
            {
                var node = parent.GetSection(name);
                var section = kind + ":" + node.Key;
                if (node.Value is not null)
                    throw new ConfigException($"{where(kind, null)}: '{kind}' must be a section [{kind}:{(kind == "domain" ? "GLOB" : "NAME")}]");
                CheckKeys(kind, section, node);
                yield return (section, node);
            }
        }

        /// <summary>[bond:NAME] sections: each slave in one bond only, every key one the bond's mode has.</summary>
        private List<BondDeclaration> ReadBonds()
        {
            var result = new List<BondDeclaration>();
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (section, node) in Named("bond"))
            {
                if (InterfaceName.Problem(node.Key) is { } nameProblem)
                    throw Error(section, null, $"bond name: {nameProblem}");
                if (VifNames.IsGuestDevice(node.Key))
                    throw Error(section, null, $"'{node.Key}' is a guest's vif name, not a bond");
                var slaves = Get(node, section, ConfigSchema.Slaves);
                if (slaves.Count == 0)
                    throw Error(section, "slaves", "a bond needs at least one slave (slaves = eth0 eth1)");
                foreach (var slave in slaves)
                {
                    if (slave == node.Key || VifNames.IsGuestDevice(slave) || slave == "lo")
                        throw Error(section, "slaves", $"'{slave}' cannot be a slave of {node.Key}");
                    if (owners.TryGetValue(slave, out var other))
                        throw Error(section, "slaves", other == node.Key ? $"'{slave}' is listed twice" : $"'{slave}' is already a slave of [bond:{other}]");
                    owners[slave] = node.Key;
                }
                var mode = Get(node, section, ConfigSchema.Mode);
                var modeName = ConfigNames.BondMode.Name(mode);
                var lacp = Get(node, section, ConfigSchema.LacpRate);
                var hash = Get(node, section, ConfigSchema.XmitHashPolicy);
                var primary = Get(node, section, ConfigSchema.Primary);
                if (lacp is not null && mode != BondMode.Ieee8023ad)
                    throw Error(section, "lacp_rate", $"applies to mode 802.3ad only, not {modeName}");
                if (hash is not null && mode is not (BondMode.BalanceXor or BondMode.Ieee8023ad or BondMode.BalanceTlb))
                    throw Error(section, "xmit_hash_policy", $"applies to modes balance-xor, 802.3ad and balance-tlb, not {modeName}");
                if (primary is not null && mode is not (BondMode.ActiveBackup or BondMode.BalanceTlb or BondMode.BalanceAlb))
                    throw Error(section, "primary", $"applies to modes active-backup, balance-tlb and balance-alb, not {modeName}");
                if (primary is not null && !slaves.Contains(primary))
                    throw Error(section, "primary", $"'{primary}' is not one of the slaves ({string.Join(' ', slaves)})");
                result.Add(new BondDeclaration(node.Key, slaves, mode)
                {
                    Miimon = Get(node, section, ConfigSchema.Miimon),
                    LacpRate = lacp is { } l ? ConfigNames.LacpRate.Name(l) : null,
                    XmitHashPolicy = hash is { } h ? ConfigNames.XmitHashPolicy.Name(h) : null,
                    Primary = primary,
                    Mtu = Get(node, section, ConfigSchema.BondMtu),
                });
            }
            foreach (var b in result)
            {
                if (owners.TryGetValue(b.Name, out var owner))
                    throw Error("bond:" + owner, "slaves", $"'{b.Name}' is itself a bond");
            }
            return result;
        }

        private List<BridgeDeclaration> ReadBridges(List<BondDeclaration> bonds)
        {
            var result = new List<BridgeDeclaration>();
            var uplinks = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (section, node) in Named("bridge"))
            {
                if (InterfaceName.Problem(node.Key) is { } nameProblem)
                    throw Error(section, null, $"bridge name: {nameProblem}");
                var uplink = Get(node, section, ConfigSchema.Uplink);
                var declaration = new BridgeDeclaration(node.Key, uplink, Get(node, section, ConfigSchema.Mtu), Get(node, section, ConfigSchema.Weight))
                {
                    Isolated = Get(node, section, ConfigSchema.BridgeIsolated),
                    Vlan = Get(node, section, ConfigSchema.BridgeVlan),
                    UplinkName = Get(node, section, ConfigSchema.UplinkName),
                    VlanFiltering = Get(node, section, ConfigSchema.VlanFiltering),
                    Vids = Get(node, section, ConfigSchema.Vids),
                    Pvid = Get(node, section, ConfigSchema.Pvid),
                };
                CheckVlans(section, declaration);
                if (uplink is not null && bonds.Find(b => b.Slaves.Contains(uplink)) is { } bond)
                    throw Error(section, "uplink", $"'{uplink}' is a slave of [bond:{bond.Name}]; use uplink = {bond.Name}");
                if (bonds.Exists(b => b.Name == node.Key))
                    throw Error(section, null, $"'{node.Key}' is both a bridge and a [bond:{node.Key}]");
                if (declaration.PortDevice is { } port)
                {
                    if (uplinks.TryGetValue(port, out var other))
                        throw Error(section, declaration.Vlan is null ? "uplink" : "vlan", $"'{port}' is already the uplink of [bridge:{other}]");
                    uplinks[port] = node.Key;
                }
                result.Add(declaration);
            }
            foreach (var b in result.Where(b => b.Vlan is not null))
            {
                if (result.Find(o => o.Vlan is null && o.Uplink == b.Uplink) is { } plain)
                    throw Error("bridge:" + b.Name, "uplink", $"'{b.Uplink}' is the untagged uplink of [bridge:{plain.Name}]; a NIC enslaved to a bridge cannot also carry VLAN devices (make [bridge:{plain.Name}] VLAN-aware, or give it a VLAN too)");
            }
            foreach (var b in result)
            {
                if (uplinks.TryGetValue(b.Name, out var owner) && b.Uplink != b.Name)
                    throw Error("bridge:" + b.Name, null, $"'{b.Name}' is both a bridge and the uplink of [bridge:{owner}]");
            }
            return result;
        }

        /// <summary>The VLAN keys of a bridge: a VLAN bridge (vlan =) or a VLAN-aware one (vlan_filtering, vids, pvid), not both.</summary>
        private void CheckVlans(string section, BridgeDeclaration b)
        {
            if (b.Vlan is { } vid)
            {
                if (b.Uplink is null)
                    throw Error(section, "vlan", $"VLAN {vid} of what: a VLAN bridge needs 'uplink' (the NIC or bond that carries the VLAN)");
                if (b.VlanFiltering)
                    throw Error(section, "vlan_filtering", "a VLAN bridge (vlan =) carries one VLAN untagged and cannot also filter VLANs; use one or the other");
                if (InterfaceName.Problem(b.PortDevice!) is { } problem)
                    throw Error(section, "vlan", $"the VLAN device would be named '{b.PortDevice}': {problem}; name it with 'uplink_name'");
            }
            else if (b.UplinkName is not null)
            {
                throw Error(section, "uplink_name", "names the 802.1Q device of a VLAN bridge: it needs 'vlan'");
            }
            if (!b.VlanFiltering && (b.Vids.Count > 0 || b.Pvid is not null))
                throw Error(section, b.Vids.Count > 0 ? "vids" : "pvid", "only a VLAN-aware bridge carries VLANs on its uplink: set 'vlan_filtering = yes'");
            if (b.Pvid is { } pvid && b.Vids.Contains(pvid))
                throw Error(section, "pvid", $"VLAN {pvid} is both the native VLAN (pvid, untagged) and in 'vids' (tagged); list it in one of them");
            if (b.VlanFiltering && b.Uplink is null && b.Vids.Count > 0)
                throw Error(section, "vids", "a host-only bridge has no uplink to carry VLANs on");
        }

        private Dictionary<string, PoolDeclaration> ReadPools(List<BridgeDeclaration> bridges)
        {
            var pools = new Dictionary<string, PoolDeclaration>(StringComparer.Ordinal);
            foreach (var (section, node) in Named("pool"))
            {
                var members = Get(node, section, ConfigSchema.PoolBridges);
                if (members.Count == 0)
                    throw Error(section, "bridges", "the pool is empty: name at least one bridge");
                foreach (var m in members)
                {
                    if (!bridges.Exists(b => b.Name == m))
                        throw Error(section, "bridges", $"'{m}' is not declared (no [bridge:{m}] section)");
                }
                if (members.Distinct(StringComparer.Ordinal).Count() != members.Count)
                    throw Error(section, "bridges", "a bridge is listed twice");
                pools[node.Key] = new PoolDeclaration(node.Key, members, Get(node, section, ConfigSchema.Strategy))
                {
                    SharedSegment = Get(node, section, ConfigSchema.SharedSegment),
                    Failback = Get(node, section, ConfigSchema.Failback),
                    Antispoof = Get(node, section, ConfigSchema.PoolAntispoof),
                    Isolated = Get(node, section, ConfigSchema.PoolIsolated),
                    AllowRouter = Get(node, section, ConfigSchema.PoolAllowRouter),
                    AllowDhcpServer = Get(node, section, ConfigSchema.PoolAllowDhcpServer),
                };
            }
            return pools;
        }

        private List<DomainRule> ReadRules(Dictionary<string, PoolDeclaration> pools)
        {
            var rules = new List<DomainRule>();
            foreach (var (section, node) in Named("domain"))
            {
                if (GlobPattern.TryParse(node.Key, out var globError) is null)
                    throw Error(section, null, $"invalid glob: {globError}");
                var pool = Get(node, section, ConfigSchema.RulePool);
                var bridge = Get(node, section, ConfigSchema.RuleBridge);
                if (pool is not null && bridge is not null)
                    throw Error(section, "bridge", "a rule names either a pool or a bridge, not both");
                var antispoof = Get(node, section, ConfigSchema.RuleAntispoof);
                var isolated = Get(node, section, ConfigSchema.RuleIsolated);
                var allowRouter = Get(node, section, ConfigSchema.RuleAllowRouter);
                var allowDhcpServer = Get(node, section, ConfigSchema.RuleAllowDhcpServer);
                var vlans = Get(node, section, ConfigSchema.RuleVlan);
                if (pool is null && bridge is null && antispoof is null && isolated is null && allowRouter is null && allowDhcpServer is null && vlans is null)
                    throw Error(section, null, "the rule names neither 'pool' nor 'bridge' (nor 'antispoof', 'isolated', 'allow_router', 'allow_dhcp_server', 'vlan')");
                if (pool is not null && !pools.ContainsKey(pool))
                    throw Error(section, "pool", $"unknown pool '{pool}' (no [pool:{pool}] section)");
                rules.Add(new DomainRule(node.Key, pool, bridge)
                {
                    Antispoof = antispoof,
                    Isolated = isolated,
                    AllowRouter = allowRouter,
                    AllowDhcpServer = allowDhcpServer,
                    Vlans = vlans,
                });
            }
            return rules;
        }

        private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
