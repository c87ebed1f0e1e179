using System.Text;
using Serilog;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Request;

namespace XenHotplug.Host.Firewall;

/// <summary>
/// The anti-spoofing guard of one guest NIC on the host: planned from the configuration and the backend,
/// installed as one nf_tables netlink batch before the port comes up (a failure fails the online), removed at
/// offline — also when the device is gone — and on rollback. Whose guard is whose is read from the kernel, never
/// from a file: the guard's chain is named after the NIC (libxl's name for it), the map says which interface
/// jumps to it, and every removal re-declares the elements it deletes as jumps to this NIC's chain, which the
/// kernel refuses (and with it the whole transaction) when the name belongs to another NIC's guard. No process is
/// run: the nft tool is needed only by `status --firewall`. With antispoof off everywhere an online touches nothing.
/// </summary>
public sealed class VifFirewall(MultibridgeConfig config, ILogger log, Func<string, bool> deviceExists)
{
    /// <summary>The guard this NIC gets (applied to <paramref name="target"/>, its final name), or null when antispoof is off for it.</summary>
    public VifGuard? Plan(HotplugRequest request, VifSettings settings, string? pool, string target)
    {
        var (mode, why) = AntispoofPolicy.Decide(config, settings.DomainName, pool);
        if (mode == AntispoofMode.Disabled) throw new HotplugException(AntispoofPolicy.DisabledRefusal(request.Device, why));
        return mode == AntispoofMode.Off ? null : VifGuard.Create(mode, target, settings.Mac, settings.Ip, request.XenbusPath, request.Device);
    }

    /// <summary>What explain prints: the mode, why, and the rules it would install (nothing when no section uses antispoof).</summary>
    public string Explain(HotplugRequest request, VifSettings settings, string? pool, string target, Core.Vlan.VlanSet? vlans)
    {
        if (!config.UsesAntispoof) return "";
        var (mode, why) = AntispoofPolicy.Decide(config, settings.DomainName, pool);
        var text = new StringBuilder($"antispoof: {VifGuard.Name(mode)}\n  why: {why}\n");
        if (mode == AntispoofMode.Off) return text.ToString();
        if (mode == AntispoofMode.Disabled) return text.Append("  the online would fail: ").Append(AntispoofPolicy.DisabledRefusal(request.Device, why)).Append('\n').ToString();
        try
        {
            var (allowRouter, allowDhcpServer) = ServerPolicy.Decide(config, settings.DomainName, pool);
            var guard = VifGuard.Create(mode, target, settings.Mac, settings.Ip, request.XenbusPath, request.Device) with
            {
                AllowRouter = allowRouter,
                AllowDhcpServer = allowDhcpServer,
                DhcpServerPorts = mode == AntispoofMode.Dhcp ? DhcpLearning.RequireServerPorts(config) : [],
                LearnTimeout = config.DhcpTimeout,
                Vlans = vlans,
            };
            if (guard.GuardsServers)
                text.Append($"  router advertisements and redirects: {(allowRouter ? "allowed (allow_router = yes)" : "dropped")}; DHCP server replies: {(allowDhcpServer ? "allowed (allow_dhcp_server = yes)" : "dropped")}\n");
            foreach (var set in AntispoofRules.Sets(guard))
                text.Append($"  set {set.Set}: {string.Join(' ', set.Shown)}\n");
            text.Append($"  rules (table {AntispoofRules.Family} {AntispoofRules.Table}, chain {AntispoofRules.ChainName(guard.Owner)}, iifname \"{target}\"):\n");
            foreach (var rule in AntispoofRules.Rules(guard)) text.Append("    ").Append(rule.Listing).Append('\n');
            if (mode == AntispoofMode.Dhcp)
            {
                text.Append($"  learning (chain {AntispoofRules.LearnChainName(guard.Owner)}, oifname \"{target}\", acks by {string.Join(", ", guard.DhcpServerPorts)}; each address for {config.DhcpTimeout}s after its last ack):\n");
                text.Append("    ").Append(AntispoofRules.LearnRule(guard).Listing).Append('\n');
            }
        }
        catch (HotplugException e)
        {
            text.Append("  the online would fail: ").Append(e.Message).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Installs the guard in one transaction; a failure is a <see cref="HotplugException"/> and changes nothing. The
    /// interface's name already guarding another NIC is refused by the kernel — unless that NIC is gone (neither its
    /// device nor the interface exists: a guard a killed hotplug left), whose element is then taken over.
    /// A dormant table (whose rules the kernel does not run) is woken by the same transaction, and said.
    /// </summary>
    public void Install(HotplugRequest request, VifGuard guard)
    {
        bool? dormant = null;
        try
        {
            dormant = NftablesClient.TableIsDormant();
        }
        catch (FirewallException e)
        {
            log.Debug("{Device}: antispoof: cannot read the table's flags: {Message}", request.Device, e.Message);
        }
        try
        {
            try
            {
                NftablesClient.Apply(AntispoofRules.Install(guard));
            }
            catch (FirewallException e) when (NftablesClient.IsElementClash(e))
            {
                var owner = NftablesClient.GuardedElements().FirstOrDefault(g => g.Interface == guard.Interface).Chain;
                var ownerDevice = owner is null ? null : AntispoofRules.InterfaceOf(owner);
                // The earlier version's guard of this very name (its chain was named after the interface): the name
                // is this NIC's by now (the planner refuses a vifname another interface holds), so it is taken over.
                var legacy = ownerDevice == guard.Interface;
                if (owner is null || ownerDevice is null || (!legacy && (deviceExists(ownerDevice) || deviceExists(guard.Interface))))
                {
                    throw new HotplugException($"antispoof: cannot guard {guard.Interface}: the kernel holds {guard.Interface}'s guard for "
                        + (ownerDevice is null ? $"chain {owner ?? "?"}" : $"NIC {ownerDevice}") + ", not for " + request.Device + " (two guests with one vifname?)", e);
                }
                log.Warning("{Device}: antispoof: {Interface} was still guarded for {Owner}, which is gone: taken over", request.Device, guard.Interface, ownerDevice);
                NftablesClient.Apply(legacy
                    ? AntispoofRules.Remove(ownerDevice, [guard.Interface], Learning())
                    : AntispoofRules.Remove(ownerDevice, [guard.Interface], Learning()).Where(op => op is not NftDeleteChain and not NftFlushChain and not NftDeleteSet and not NftAddAddressSet and not NftAddLearntSet).ToList());
                NftablesClient.Apply(AntispoofRules.Install(guard));
            }
        }
        catch (FirewallException e)
        {
            throw new HotplugException($"antispoof: cannot install the rules for {guard.Interface}: {e.Message}", e);
        }
        if (dormant == true)
            log.Warning("{Device}: antispoof: table {Family} {Table} was dormant (no guard was enforced): woken up", request.Device, AntispoofRules.Family, AntispoofRules.Table);
        log.Information("{Device}: antispoof {Mode} guards {Interface}", request.Device, VifGuard.Name(guard.Mode), guard.Interface);
    }

    /// <summary>Removes the guard a failed online installed (best effort, logged): this NIC's chain, and its interface's element only while it is this NIC's.</summary>
    public void Uninstall(HotplugRequest request, VifGuard? guard)
    {
        if (guard is null) return;
        try
        {
            NftablesClient.Apply(AntispoofRules.Remove(guard.Owner, [guard.Interface], Learning()));
        }
        catch (FirewallException e) when (NftablesClient.IsElementClash(e))
        {
            // The name guards another NIC (it won a race for one vifname): leave its element, remove only what is ours.
            Remove(request.Device, []);
        }
        catch (FirewallException e)
        {
            log.Warning("{Device}: antispoof: cannot remove the rules for {Interface}: {Message}", request.Device, guard.Interface, e.Message);
        }
    }

    /// <summary>
    /// At offline: removes this NIC's guard as the kernel holds it — its chain, its sets, and every element that
    /// jumps to its chain — whether or not the device still exists and whatever it is named now. Best effort, logged.
    /// <paramref name="renamed"/> (the name the device has, or had, other than libxl's) also removes the earlier
    /// version's guard of that name, keyed by the interface: the batch's proof refuses it when the name is another NIC's.
    /// </summary>
    public void Release(HotplugRequest request, string? renamed = null)
    {
        ReleaseOwn(request);
        if (renamed is null || renamed == request.Device) return;
        try
        {
            if (NftablesClient.GuardedElements().Any(g => g.Interface == renamed && g.Chain == AntispoofRules.ChainName(renamed)))
                NftablesClient.Apply(AntispoofRules.Remove(renamed, [renamed], Learning()));
        }
        catch (FirewallException e)
        {
            log.Debug("{Device}: antispoof: the earlier guard of {Interface} stays: {Message}", request.Device, renamed, e.Message);
        }
    }

    private void ReleaseOwn(HotplugRequest request)
    {
        // Nothing to read when no section uses antispoof and nf_tables was never loaded (reading would load it).
        if (!config.UsesAntispoof && !Directory.Exists("/sys/module/nf_tables")) return;
        var chain = AntispoofRules.ChainName(request.Device);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var names = NftablesClient.GuardedElements().Where(g => g.Chain == chain).Select(g => g.Interface).ToList();
                if (names.Count == 0 && !config.UsesAntispoof) return;
                NftablesClient.Apply(AntispoofRules.Remove(request.Device, names, Learning()));
                return;
            }
            catch (FirewallException e) when (NftablesClient.IsElementClash(e) && attempt == 0)
            {
                // An element changed owner between the read and the transaction: read again.
            }
            catch (FirewallException e)
            {
                if (config.UsesAntispoof) log.Warning("{Device}: antispoof: cannot remove the rules of {Chain}: {Message}", request.Device, chain, e.Message);
                else log.Debug("{Device}: antispoof: {Message}", request.Device, e.Message);
                return;
            }
        }
    }

    /// <summary>True when antispoof = dhcp guarded a NIC on this host since the table was made: removals then take the learning objects too.</summary>
    private static bool Learning() => NftablesClient.MapExists(AntispoofRules.LearningMap);

    private void Remove(string device, IReadOnlyList<string> names)
    {
        try
        {
            NftablesClient.Apply(AntispoofRules.Remove(device, names, Learning()));
        }
        catch (FirewallException e)
        {
            log.Warning("{Device}: antispoof: cannot remove the rules of {Chain}: {Message}", device, AntispoofRules.ChainName(device), e.Message);
        }
    }
}
