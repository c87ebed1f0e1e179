namespace XenHotplug.Core.Request;

/// <summary>What xenstore says about one guest NIC: the backend keys the stock script reads, and the guest's identity.</summary>
public sealed record VifSettings(
    string? Bridge,
    string? Ip,
    string? Mtu,
    string? VifName,
    string? Mac,
    string? Type,
    string? DomainName,
    string? DomainUuid);
