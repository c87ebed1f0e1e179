using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Firewall;
using XenHotplug.Core.Network;
using XenHotplug.Core.Placement;
using XenHotplug.Core.Request;

namespace XenHotplug.Core.Plan;

/// <summary>
/// Facts to plan, for one attach (online, or add for a tap): the identity guard decides whether the device may be
/// touched at all, placement chooses the bridge, and the steps follow in the order they run — the declared bridge
/// created if it does not exist yet, the guard, the port (with its VLANs on a vlan_filtering bridge), the round-robin
/// cursor, xenstore — each with its undo.
/// Refusals a user can cause are <see cref="HotplugException"/>s with one line, raised before anything changes.
/// </summary>
public static class AttachPlanner
{
    public static AttachPlan Plan(MultibridgeConfig config, HotplugRequest request, AttachFacts facts)
    {
        var (host, current, target) = (facts.Host, facts.Current, facts.Target);
        if (facts.Identity is { Exists: true } identity) IdentityGuard.Check(request, current, identity, config);
        var (settings, vlans) = VlanRequest.Read(facts.Settings, host, request.XenbusPath);
        vlans ??= VlanRequest.FromRules(config, settings.DomainName); // the VM config's VLANs win over a rule's
        var placement = vlans is null ? facts.Placement : facts.Placement with { RequiredVids = [.. vlans.Vlans.Vids] };
        var decision = BridgePolicy.Decide(config, request, settings, host, placement);
        var vlanOps = vlans?.PortOperations(decision.Bridge, target, host, facts.Placement.CurrentMaster == decision.Bridge ? facts.PortVlans : null) ?? [];
        var steps = new List<AttachStep>();
        if (PrepareBridge(config, decision.Bridge, host, facts.UplinksWithAddresses) is { } prepare) steps.Add(prepare);

        string? refusal = null;
        var (mode, why) = AntispoofPolicy.Decide(config, settings.DomainName, decision.Pool);
        if (mode == AntispoofMode.Disabled) refusal = AntispoofPolicy.DisabledRefusal(request.Device, why);
        else if (mode != AntispoofMode.Off)
        {
            try
            {
                var (allowRouter, allowDhcpServer) = ServerPolicy.Decide(config, settings.DomainName, decision.Pool);
                var guard = VifGuard.Create(mode, target, settings.Mac, settings.Ip, request.XenbusPath, request.Device) with
                {
                    AllowRouter = allowRouter,
                    AllowDhcpServer = allowDhcpServer,
                    DhcpServerPorts = mode == AntispoofMode.Dhcp ? DhcpLearning.RequireServerPorts(config) : [],
                    LearnTimeout = config.DhcpTimeout,
                    Vlans = vlans?.Vlans,
                };
                steps.Add(new GuardStep(guard, RemoveOnUndo: facts.Placement.CurrentMaster is null));
            }
            catch (HotplugException e)
            {
                refusal = e.Message;
            }
        }

        var bridgeMtu = host.Exists(decision.Bridge) ? host.Mtu(decision.Bridge) : config.FindBridgeByInterface(decision.Bridge)?.Mtu;
        var (isolated, isolatedWhy) = PortIsolation.Decide(config, settings.DomainName, decision.Pool, decision.Bridge);
        var port = VifPlanner.Attach(request, settings, decision.Bridge, bridgeMtu, current, target, facts.Placement.CurrentMaster, isolated);
        var portOps = PortUndo.For(port.Operations, LinkSnapshot.Take(host, current)).ToList();
        portOps.InsertRange(portOps.FindLastIndex(o => o.Do is LinkUp), vlanOps); // the VLANs before the port comes up
        steps.Add(new NetworkStep(NetworkStepKind.Port, target, portOps));
        if (decision.NextCursor is { } next && decision.Pool is { } pool) steps.Add(new CursorStep(pool, next, facts.Placement.Cursor(pool)));
        if (port.XenstoreWrites.Count > 0) steps.Add(new XenstoreStep(port.XenstoreWrites));
        return new AttachPlan(decision, current, target, port.Mtu, steps) { Refusal = refusal, Vlans = vlans?.Vlans, VlanSource = vlans?.Source, Isolated = isolated ? isolatedWhy : null };
    }

    /// <summary>The step that creates a declared bridge that does not exist yet (null when it exists), or a one-line refusal.</summary>
    public static NetworkStep? PrepareBridge(MultibridgeConfig config, string bridge, ISysfsNet host, IReadOnlySet<string> uplinksWithAddresses)
    {
        if (host.Exists(bridge)) return null;
        var declared = config.FindBridgeByInterface(bridge) ?? throw new HotplugException($"bridge {bridge} does not exist");
        if (config.Naming == BridgeNaming.Legacy && declared.Uplink is not null)
            throw new HotplugException($"bridge {bridge} does not exist: with legacy naming its NIC must be renamed first; run 'network-multibridge start'");
        var ops = new List<UndoableOp> { new(new BridgeCreate(bridge, declared.Mtu), [new LinkDelete(bridge)]) };
        if (declared.Uplink is { } uplink)
        {
            if (!host.Exists(uplink))
                throw new HotplugException($"bridge {bridge} does not exist and its uplink {uplink} is missing");
            if (host.Master(uplink) is { } m)
                throw new HotplugException($"bridge {bridge} does not exist and its uplink {uplink} is already a port of {m}");
            if (uplinksWithAddresses.Contains(uplink))
                throw new HotplugException($"bridge {bridge} does not exist and its uplink {uplink} carries addresses: run 'network-multibridge start' to move them onto the bridge");
            ops.Add(new(new LinkSetMaster(uplink, bridge), [new LinkSetNoMaster(uplink)]));
            ops.Add(new(new LinkUp(uplink), host.IsUp(uplink) ? [] : [new LinkDown(uplink)]));
        }
        ops.Add(new(new LinkUp(bridge), [])); // deleting the bridge takes it down
        return new NetworkStep(NetworkStepKind.Bridge, bridge, ops);
    }

    /// <summary>The uplinks a plan may need to know the addresses of: those of declared bridges that do not exist.</summary>
    public static IEnumerable<string> UplinksOfMissingBridges(MultibridgeConfig config, ISysfsNet host) =>
        config.Bridges.Where(b => b.Uplink is not null && !host.Exists(config.BridgeInterface(b.Name)) && host.Exists(b.Uplink)).Select(b => b.Uplink!);
}
