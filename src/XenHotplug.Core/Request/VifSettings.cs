namespace XenHotplug.Core.Request;

/// <summary>What xenstore says about one guest NIC: the backend keys the stock script reads, the guest's identity, and
/// the per-vif vlan= key libxl writes since Xen 4.19.</summary>
public sealed record VifSettings(
    string? Bridge,
    string? Ip,
    string? Mtu,
    string? VifName,
    string? Mac,
    string? Type,
    string? DomainName,
    string? DomainUuid,
    string? Vlan = null);
