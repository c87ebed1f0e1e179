namespace XenHotplug.Core.Metrics;

/// <summary>A network device's byte counters as the kernel keeps them (/sys/class/net/DEV/statistics/rx_bytes, tx_bytes).</summary>
public sealed record DeviceBytes(long Received, long Transmitted);
