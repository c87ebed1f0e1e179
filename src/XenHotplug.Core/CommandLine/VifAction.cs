namespace XenHotplug.Core.CommandLine;

/// <summary>What vif-multibridge was asked to do.</summary>
public enum VifAction
{
    Hotplug,
    Help,
    Version,
}
