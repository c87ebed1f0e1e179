using Microsoft.Extensions.Configuration;

namespace XenHotplug.Configuration;

/// <summary>The [policy] section: when and how the bridge policy applies.</summary>
public sealed class PolicyOptions
{
    /// <summary>Backend bridge values that mean "not chosen: apply the policy" (space-separated).</summary>
    [ConfigurationKeyName("auto_bridge")]
    public string AutoBridge { get; set; } = "";

    /// <summary>The pool used when no VM setting and no rule chooses.</summary>
    [ConfigurationKeyName("default_pool")]
    public string DefaultPool { get; set; } = "";

    /// <summary>fallback (attach to the best remaining bridge and warn) or fail.</summary>
    [ConfigurationKeyName("when_unhealthy")]
    public string WhenUnhealthy { get; set; } = "fallback";
}
