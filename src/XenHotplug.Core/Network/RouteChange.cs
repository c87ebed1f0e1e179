namespace XenHotplug.Core.Network;

/// <summary>
/// ip route add|replace|delete SPEC dev D (SPEC: "default via 10.0.0.1 metric 100", ...). `ip -batch`
/// takes no per-line "-6": an IPv6 default route is written "::/0", and the family follows the addresses.
/// </summary>
public sealed record RouteChange(string Verb, string Dev, IReadOnlyList<string> Spec) : NetOp
{
    public override IReadOnlyList<string> IpArgs => ["route", Verb, .. Spec, "dev", Dev];
    public override string Device => Dev;
}
