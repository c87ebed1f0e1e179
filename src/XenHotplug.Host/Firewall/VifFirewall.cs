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
/// offline — also when the device is gone — and on rollback. No process is run: the nft tool is needed only by
/// `status --firewall`. With antispoof off everywhere nothing here touches nftables.
/// </summary>
public sealed class VifFirewall(MultibridgeConfig config, ILogger log)
{
    private readonly GuardRecords _records = new(config.Hotplug.RunDir);

    /// <summary>The guard this NIC gets (keyed by <paramref name="target"/>, its final name), or null when antispoof is off for it.</summary>
    public VifGuard? Plan(HotplugRequest request, VifSettings settings, string? pool, string target)
    {
        var (mode, _) = AntispoofPolicy.Decide(config, settings.DomainName, pool);
        return mode == AntispoofMode.Off ? null : VifGuard.Create(mode, target, settings.Mac, settings.Ip, request.XenbusPath);
    }

    /// <summary>What explain prints: the mode, why, and the rules it would install (nothing when no section uses antispoof).</summary>
    public string Explain(HotplugRequest request, VifSettings settings, string? pool, string target)
    {
        if (!config.UsesAntispoof) return "";
        var (mode, why) = AntispoofPolicy.Decide(config, settings.DomainName, pool);
        var text = new StringBuilder($"antispoof: {VifGuard.Name(mode)}\n  why: {why}\n");
        if (mode == AntispoofMode.Off) return text.ToString();
        try
        {
            var guard = VifGuard.Create(mode, target, settings.Mac, settings.Ip, request.XenbusPath);
            text.Append($"  rules (table {AntispoofRules.Family} {AntispoofRules.Table}, chain {AntispoofRules.ChainName(target)}, iifname \"{target}\"):\n");
            foreach (var rule in AntispoofRules.Rules(guard)) text.Append("    ").Append(rule.Listing).Append('\n');
        }
        catch (HotplugException e)
        {
            text.Append("  the online would fail: ").Append(e.Message).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Installs the guard in one transaction; a failure is a <see cref="HotplugException"/> (and leaves no record).</summary>
    public void Install(HotplugRequest request, VifGuard guard)
    {
        _records.Write(request.Device, guard.Interface);
        try
        {
            NftablesClient.Apply(AntispoofRules.Install(guard));
        }
        catch (FirewallException e)
        {
            _records.Delete(request.Device);
            throw new HotplugException($"antispoof: cannot install the rules for {guard.Interface}: {e.Message}", e);
        }
        log.Information("{Device}: antispoof {Mode} guards {Interface}", request.Device, VifGuard.Name(guard.Mode), guard.Interface);
    }

    /// <summary>Removes the guard a failed online installed (best effort, logged).</summary>
    public void Uninstall(HotplugRequest request, VifGuard? guard)
    {
        if (guard is null) return;
        Remove(request.Device, guard.Interface);
    }

    /// <summary>
    /// At offline: removes the guard of this NIC — the interface its record names, else <paramref name="device"/>
    /// when any section uses antispoof — whether or not the device still exists. Best effort, logged.
    /// </summary>
    public void Release(HotplugRequest request, string device)
    {
        var name = _records.Read(request.Device) ?? (config.UsesAntispoof ? device : null);
        if (name is not null) Remove(request.Device, name);
    }

    private void Remove(string device, string interfaceName)
    {
        try
        {
            NftablesClient.Apply(AntispoofRules.Remove(interfaceName));
            _records.Delete(device);
        }
        catch (FirewallException e)
        {
            log.Warning("{Device}: antispoof: cannot remove the rules for {Interface}: {Message}", device, interfaceName, e.Message);
        }
    }
}
