namespace XenHotplug.Core.Configuration;

/// <summary>What to do when no bridge of a pool is healthy.</summary>
public enum UnhealthyAction
{
    /// <summary>Attach to the best remaining bridge and log a warning.</summary>
    Fallback,

    /// <summary>Fail the hotplug.</summary>
    Fail,
}
