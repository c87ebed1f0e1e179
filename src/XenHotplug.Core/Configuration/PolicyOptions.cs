namespace XenHotplug.Core.Configuration;

/// <summary>The [policy] section: when and how the bridge policy applies.</summary>
public sealed class PolicyOptions
{
    /// <summary>Backend bridge values that mean "not chosen: apply the policy" (space-separated).</summary>
    public string AutoBridge { get; set; } = "";

    /// <summary>The pool used when no VM setting and no rule chooses.</summary>
    public string DefaultPool { get; set; } = "";

    /// <summary>fallback (attach to the best remaining bridge and warn) or fail.</summary>
    public string WhenUnhealthy { get; set; } = "fallback";

    /// <summary>off, mac or ip: what guest NICs may claim as their source.</summary>
    public string Antispoof { get; set; } = "off";
}
