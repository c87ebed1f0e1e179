using System.Runtime.InteropServices;

namespace XenHotplug.Native;

/// <summary>Who owns a file and who may write it: the checks that keep a root tool from trusting a user's file.</summary>
public static class FileOwner
{
    /// <summary>The effective user id of this process (0 for root).</summary>
    public static uint EffectiveUserId => LibC.geteuid();

    /// <summary>The owner's uid and the permission bits of a file (following links), or null when it cannot be read.</summary>
    public static (uint Uid, UnixFileMode Mode)? Stat(string path)
    {
        if (LibC.statx(LibC.AT_FDCWD, path, 0, LibC.STATX_UID | LibC.STATX_MODE, out var st) != 0)
            return null;
        return (st.Uid, (UnixFileMode)(st.Mode & 0xFFF));
    }

    /// <summary>
    /// Why a root-run tool must not trust this file, or null when it may: the owner must be root
    /// (or, when not running as root, the invoking user) and group/others must not be able to write it.
    /// </summary>
    public static string? WhyUntrusted(string path)
    {
        var st = Stat(path);
        if (st is null)
            return $"cannot stat {path}: {Marshal.GetLastPInvokeErrorMessage()}";
        var (uid, mode) = st.Value;
        var euid = EffectiveUserId;
        if (uid != 0 && uid != euid)
            return $"{path} is owned by uid {uid}, not root";
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            return $"{path} is writable by group or others (mode {Convert.ToString((int)mode, 8)})";
        return null;
    }
}
