using System.Globalization;

namespace XenHotplug.Core.Network;

/// <summary>
/// One network change, as data, in iproute2's words. A plan is a list of these; it can be printed
/// (--dry-run), asserted in tests, and run through rtnetlink or as one `ip -batch`.
/// </summary>
public abstract record NetOp
{
    /// <summary>The iproute2 command that makes this change: "ip", or "bridge" for a bridge port's VLANs.</summary>
    public virtual string Tool => "ip";

    /// <summary>The arguments after <see cref="Tool"/> (also one line of a `TOOL -batch` file).</summary>
    public abstract IReadOnlyList<string> IpArgs { get; }

    /// <summary>The interface this changes.</summary>
    public abstract string Device { get; }

    /// <summary>"ip link set dev vif1.0 up", "bridge vlan add dev vif1.0 vid 10 pvid untagged".</summary>
    public sealed override string ToString() => Tool + " " + string.Join(' ', IpArgs);

    protected static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
