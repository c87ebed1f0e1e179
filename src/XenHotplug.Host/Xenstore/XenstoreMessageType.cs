namespace XenHotplug.Host.Xenstore;

/// <summary>The message types of the xenstore wire protocol (xen/include/public/io/xs_wire.h).</summary>
public enum XenstoreMessageType : uint
{
    /// <summary>XS_CONTROL, formerly XS_DEBUG.</summary>
    Debug = 0,
    Directory = 1,
    Read = 2,
    GetPerms = 3,
    Watch = 4,
    Unwatch = 5,
    TransactionStart = 6,
    TransactionEnd = 7,
    Introduce = 8,
    Release = 9,
    GetDomainPath = 10,
    Write = 11,
    Mkdir = 12,
    Rm = 13,
    SetPerms = 14,
    WatchEvent = 15,
    Error = 16,
    IsDomainIntroduced = 17,
    Resume = 18,
    SetTarget = 19,
    /// <summary>XS_RESTRICT, removed from Xen; never sent.</summary>
    Restrict = 20,
    ResetWatches = 21,
    DirectoryPart = 22,
}
