using System.Globalization;

namespace XenHotplug.Core.Network;

/// <summary>One main-table route through a device, as `ip -j route` shows it.</summary>
public sealed record IpRoute(
    string Family,
    string Dst,
    string? Gateway = null,
    string? Protocol = null,
    string? Scope = null,
    string? PrefSrc = null,
    int? Metric = null,
    bool OnLink = false,
    string? Pref = null)
{
    /// <summary>Routes the kernel makes from addresses (they follow the address, never moved by hand).</summary>
    public bool IsKernel => Protocol == "kernel";

    /// <summary>Routes learned from router advertisements (the kernel's own on the link that hears them, never moved).</summary>
    public bool IsRouterAdvertised => Protocol == "ra";

    public bool IsIPv6 => Family == "inet6";

    private string DstWord => Dst == "default" ? (IsIPv6 ? "::/0" : "0.0.0.0/0") : Dst;

    private int EffectiveMetric => Metric ?? (IsIPv6 ? 1024 : 0);

    public bool SameAs(IpRoute other) =>
        Family == other.Family && DstWord == other.DstWord && Gateway == other.Gateway && EffectiveMetric == other.EffectiveMetric;

    /// <summary>The words of `ip route add ... ` before "dev D".</summary>
    public IReadOnlyList<string> AddSpec
    {
        get
        {
            var spec = new List<string> { DstWord };
            if (Gateway is not null) spec.AddRange(["via", Gateway]);
            if (Protocol is not null) spec.AddRange(["proto", Protocol]);
            if (Scope is not null && Scope != "global") spec.AddRange(["scope", Scope]);
            if (PrefSrc is not null) spec.AddRange(["src", PrefSrc]);
            if (Metric is { } m) spec.AddRange(["metric", m.ToString(CultureInfo.InvariantCulture)]);
            if (OnLink) spec.Add("onlink");
            if (Pref is not null && Pref != "medium" && IsIPv6) spec.AddRange(["pref", Pref]);
            return spec;
        }
    }

    /// <summary>The words of `ip route delete ...` before "dev D".</summary>
    public IReadOnlyList<string> DeleteSpec
    {
        get
        {
            var spec = new List<string> { DstWord };
            if (Gateway is not null) spec.AddRange(["via", Gateway]);
            spec.AddRange(["metric", EffectiveMetric.ToString(CultureInfo.InvariantCulture)]);
            return spec;
        }
    }
}
