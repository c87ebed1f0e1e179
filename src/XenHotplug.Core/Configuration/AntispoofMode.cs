namespace XenHotplug.Core.Configuration;

/// <summary>
/// What a guest NIC may claim as its source ([policy], [pool:NAME] or [domain:GLOB] antispoof): anything
/// (off, vif-bridge behaviour), only its own MAC, or its own MAC and the addresses of the backend's ip=; or nothing at
/// all (disabled: the online is refused, as XCP-ng's locking_mode = disabled).
/// </summary>
public enum AntispoofMode
{
    Off,
    Mac,
    Ip,
    Disabled,

    /// <summary>As ip, with the addresses the guest's DHCP server acks added to its guard by the kernel (and those of ip=).</summary>
    Dhcp,
}
