using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Bridges;

/// <summary>
/// The desired states of a bond's start and stop, computed from the current state (pure functions), and the checks that
/// refuse bad input before anything is changed. Start builds the bond (mode and options set at creation, the MAC of its
/// first or primary slave) and enslaves the slaves, moving their addresses and routes to the bond; stop releases the
/// slaves with their MTU, MAC and up/down state as before start and the bond's addresses and routes back on the slave
/// that held them, and deletes the bond. A bond start did not create (the distribution's) is never taken apart.
/// </summary>
public static class BondPlanner
{
    /// <summary>The bond, when it exists as a bond.</summary>
    public static LinkState? FindBond(NetState state, BondSpec spec) => state.ByName(spec.Name) is { IsBond: true } b ? b : null;

    /// <summary>Refuses what start cannot do: a missing slave, a slave that is a bridge, another's port or a guest's vif, a name taken, a bond in another mode.</summary>
    public static void CheckStart(NetState state, BondSpec spec)
    {
        CheckNames(state, spec);
        var existing = state.ByName(spec.Name);
        if (existing is not null && !existing.IsBond)
            throw new BridgeException($"bond {spec.Name}: the name is already used by an interface that is not a bond");
        if (existing?.BondMode is { } mode && mode != spec.ModeName)
            throw new BridgeException($"bond {spec.Name}: it exists in mode {mode}, not {spec.ModeName}; the mode of a bond with slaves cannot change (stop whatever made it, or declare mode = {mode})");
        foreach (var name in spec.Slaves)
        {
            var slave = state.ByName(name) ?? throw new BridgeException($"bond {spec.Name}: slave {name} does not exist");
            if (slave.IsBridge || slave.IsBond)
                throw new BridgeException($"bond {spec.Name}: slave {name} is a {slave.Kind}, not a NIC");
            if (slave.Master is { } master && master != spec.Name)
                throw new BridgeException($"bond {spec.Name}: slave {name} is already a port of {master}");
            if (slave.Kind == "vlan")
                throw new BridgeException($"bond {spec.Name}: slave {name} is an 802.1Q device; bond the NICs and carry the VLAN on the bond");
            if (state.Links.FirstOrDefault(l => l.VlanParent == name) is { } vlan)
                throw new BridgeException($"bond {spec.Name}: slave {name} carries the VLAN device {vlan.Name}; a bond's slave cannot");
        }
    }

    /// <summary>Never dom0's loopback or a guest's NIC, whatever the INI says.</summary>
    public static void CheckNames(NetState state, BondSpec spec)
    {
        foreach (var (what, name) in spec.Slaves.Select(s => ("slave", s)).Prepend(("bond", spec.Name)))
        {
            if (name == "lo")
                throw new BridgeException($"bond {spec.Name}: {what} {name} is dom0's loopback; refusing to touch it");
            if (VifNames.IsGuestDevice(name) || state.GuestMarks.Contains(name))
                throw new BridgeException($"bond {spec.Name}: {what} {name} is a guest's vif; refusing to touch it");
        }
    }

    /// <summary>The started state: the bond up, owning its slaves' addresses and routes, every slave its port.</summary>
    public static DesiredState Start(NetState state, BondSpec spec)
    {
        CheckStart(state, spec);
        var bond = FindBond(state, spec);
        var slaves = spec.Slaves.Select(n => state.ByName(n)!).ToList();
        var home = state.ByName(spec.Home)!;
        var addresses = Merge(bond?.MovableAddresses, slaves.SelectMany(s => s.MovableAddresses));
        var routes = MergeRoutes(bond?.MovableRoutes, slaves.SelectMany(s => s.MovableRoutes));
        var targets = slaves.Select(s => new LinkTarget(s.Index, s.Name, false, null, null, spec.Name, true, [], [])).ToList();
        // The bond's own master (the bridge it is the uplink of) is the bridge's business: kept as it is.
        var bondTarget = new LinkTarget(bond?.Index, spec.Name, false, bond is null ? spec.Mtu ?? home.Mtu : spec.Mtu, bond is null ? home.Mac : null,
            bond?.Master, true, addresses, routes)
        { BondOf = spec };
        targets.Add(bondTarget);
        return new DesiredState(targets, []);
    }

    /// <summary>
    /// The state once <see cref="Start"/> is done, without doing it: the bond up with its slaves' addresses and routes,
    /// the slaves its ports. The bridges on a bond are checked (and --dry-run planned) against it before the bond exists.
    /// </summary>
    public static NetState Project(NetState state, BondSpec spec)
    {
        var bond = FindBond(state, spec);
        var slaves = spec.Slaves.Select(state.ByName).OfType<LinkState>().ToList();
        var home = state.ByName(spec.Home);
        var mtu = spec.Mtu ?? bond?.Mtu ?? home?.Mtu ?? 1500;
        var projected = new LinkState(bond?.Index ?? -1 - state.Links.Count, spec.Name, "bond", bond?.Master, bond?.Mac ?? home?.Mac, mtu, true,
            Merge(bond?.Addresses, slaves.SelectMany(s => s.MovableAddresses)), MergeRoutes(bond?.Routes, slaves.SelectMany(s => s.MovableRoutes)))
        { BondMode = spec.ModeName };
        var links = state.Links
            .Where(l => l.Name != spec.Name)
            .Select(l => spec.Slaves.Contains(l.Name)
                ? l with { Master = spec.Name, Mtu = mtu, Addresses = [.. l.Addresses.Where(a => !a.IsMovable)], Routes = [.. l.Routes.Where(r => r.IsKernel)] }
                : l)
            .Append(projected)
            .ToList();
        return state with { Links = links };
    }

    /// <summary>
    /// Refuses a stop that would cut what still uses the bond: a bridge it is the port of, a VLAN device on it.
    /// </summary>
    public static void CheckStop(NetState state, BondSpec spec)
    {
        CheckNames(state, spec);
        if (FindBond(state, spec) is not { } bond) return;
        if (bond.Master is { } master)
            throw new BridgeException($"bond {spec.Name} is still a port of {master}; stop that bridge first");
        if (state.Links.FirstOrDefault(l => l.VlanParent == spec.Name) is { } vlan)
            throw new BridgeException($"bond {spec.Name} still carries the VLAN device {vlan.Name}");
    }

    /// <summary>
    /// The stopped state of a bond start created (<paramref name="original"/>, its record): the slaves as they were, the
    /// bond's addresses and routes on the slave that held them before (else the primary or first), the bond deleted.
    /// Without a record of creating it the bond is left as it is.
    /// </summary>
    public static DesiredState Stop(NetState state, BondSpec spec, UplinkRecord? original)
    {
        CheckStop(state, spec);
        if (FindBond(state, spec) is not { } bond || original is not { CreatedPort: true }) return DesiredState.Nothing;
        var before = original.Slaves ?? [];
        var home = before.FirstOrDefault(s => s.MovableAddresses.Any())?.Name ?? spec.Home;
        var targets = new List<LinkTarget>();
        foreach (var name in spec.Slaves)
        {
            if (state.ByName(name) is not { } slave) continue;
            var was = before.FirstOrDefault(s => s.Name == name);
            var mine = name == home;
            targets.Add(new LinkTarget(slave.Index, name, false, was?.Mtu, was?.Mac, null, was?.Up ?? true,
                mine ? Merge(slave.MovableAddresses, bond.MovableAddresses) : slave.MovableAddresses.ToList(),
                mine ? MergeRoutes(slave.MovableRoutes, bond.MovableRoutes) : slave.MovableRoutes.ToList()));
        }
        return new DesiredState(targets, []) { DeleteDevices = [spec.Name] };
    }

    /// <summary>The links a change to this bond touches (journaled before it is made): its slaves and the bond.</summary>
    public static List<LinkState> Affected(NetState state, BondSpec spec) =>
        [.. spec.Slaves.Select(state.ByName).OfType<LinkState>(), .. FindBond(state, spec) is { } b ? [b] : Array.Empty<LinkState>()];

    private static List<IpAddress> Merge(IEnumerable<IpAddress>? first, IEnumerable<IpAddress> second) => BridgePlanner.Merge(first, second, nodad: true);

    private static List<IpRoute> MergeRoutes(IEnumerable<IpRoute>? first, IEnumerable<IpRoute> second) => BridgePlanner.MergeRoutes(first, second);
}
