namespace XenHotplug.Core.Configuration;

/// <summary>How a pool picks one of its bridges.</summary>
public enum PoolStrategy
{
    LeastLoaded,
    RoundRobin,
    Sticky,
    LeastTraffic,
}
