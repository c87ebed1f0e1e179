using System.Globalization;

namespace XenHotplug.Net;

/// <summary>
/// One network change, as data: what `ip` is asked to do. A plan is a list of these; it can be
/// printed (--dry-run), asserted in tests and run as one `ip -batch`.
/// </summary>
public abstract record NetOp
{
    /// <summary>The arguments after "ip" (also one line of an `ip -batch` file).</summary>
    public abstract IReadOnlyList<string> IpArgs { get; }

    /// <summary>The interface this changes.</summary>
    public abstract string Device { get; }

    /// <summary>"ip link set dev vif1.0 up".</summary>
    public sealed override string ToString() => "ip " + string.Join(' ', IpArgs);

    protected static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>ip link set dev D down.</summary>
public sealed record LinkDown(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "down"];
    public override string Device => Dev;
}

/// <summary>ip link set dev D up.</summary>
public sealed record LinkUp(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "up"];
    public override string Device => Dev;
}

/// <summary>ip link set dev D address MAC.</summary>
public sealed record LinkSetMac(string Dev, string Mac) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "address", Mac];
    public override string Device => Dev;
}

/// <summary>ip link set dev D mtu N.</summary>
public sealed record LinkSetMtu(string Dev, int Mtu) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "mtu", Num(Mtu)];
    public override string Device => Dev;
}

/// <summary>ip link set dev D master BRIDGE.</summary>
public sealed record LinkSetMaster(string Dev, string Bridge) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "master", Bridge];
    public override string Device => Dev;
}

/// <summary>ip link set dev D nomaster.</summary>
public sealed record LinkSetNoMaster(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "nomaster"];
    public override string Device => Dev;
}

/// <summary>ip link set dev D name NEW.</summary>
public sealed record LinkRename(string Dev, string NewName) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "name", NewName];
    public override string Device => Dev;
}

/// <summary>ip address flush dev D.</summary>
public sealed record AddressFlush(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["address", "flush", "dev", Dev];
    public override string Device => Dev;
}

/// <summary>ip link add name B type bridge stp_state 0 forward_delay 0 [mtu N].</summary>
public sealed record BridgeCreate(string Name, int? Mtu = null) : NetOp
{
    public override IReadOnlyList<string> IpArgs => Mtu is { } mtu
        ? ["link", "add", "name", Name, "mtu", Num(mtu), "type", "bridge", "stp_state", "0", "forward_delay", "0"]
        : ["link", "add", "name", Name, "type", "bridge", "stp_state", "0", "forward_delay", "0"];
    public override string Device => Name;
}

/// <summary>ip link delete dev D.</summary>
public sealed record LinkDelete(string Dev) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "delete", "dev", Dev];
    public override string Device => Dev;
}

/// <summary>ip address add ADDR dev D [extra...] (extra: broadcast, scope, label, noprefixroute...).</summary>
public sealed record AddressAdd(string Dev, string Address, IReadOnlyList<string> Extra) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["address", "add", Address, "dev", Dev, .. Extra];
    public override string Device => Dev;
}

/// <summary>ip address delete ADDR dev D.</summary>
public sealed record AddressDelete(string Dev, string Address) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["address", "delete", Address, "dev", Dev];
    public override string Device => Dev;
}

/// <summary>
/// ip route add|replace|delete SPEC dev D (SPEC: "default via 10.0.0.1 metric 100", ...). `ip -batch`
/// takes no per-line "-6": an IPv6 default route is written "::/0", and the family follows the addresses.
/// </summary>
public sealed record RouteChange(string Verb, string Dev, IReadOnlyList<string> Spec) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["route", Verb, .. Spec, "dev", Dev];
    public override string Device => Dev;
}

/// <summary>ip link set dev D alias TEXT (marks a renamed vif as ours; TEXT has no spaces).</summary>
public sealed record LinkSetAlias(string Dev, string Alias) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["link", "set", "dev", Dev, "alias", Alias];
    public override string Device => Dev;
}
