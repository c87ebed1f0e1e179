using System.Globalization;

namespace XenHotplug.Core.Network;

/// <summary>
/// One network change, as data, in iproute2's words. A plan is a list of these; it can be printed
/// (--dry-run), asserted in tests, and run through rtnetlink or as one `ip -batch`.
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
