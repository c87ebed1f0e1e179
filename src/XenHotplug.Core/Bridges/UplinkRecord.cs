namespace XenHotplug.Core.Bridges;

/// <summary>An uplink NIC's link attributes before start changed them (stop gives them back).</summary>
public sealed record UplinkRecord(string Bridge, string Uplink, int Mtu, string? Mac);
