using System.Runtime.InteropServices;

namespace XenHotplug.Host.Native;

/// <summary>Who owns a file and who may write it: the checks that keep a root tool from trusting a user's file.</summary>
public static class FileOwner
{
    /// <summary>The effective user id of this process (0 for root).</summary>
    public static uint EffectiveUserId => LibC.geteuid();

    /// <summary>The owner's uid, the permission bits and the type bits of a file, or null when it cannot be read.</summary>
    public static (uint Uid, UnixFileMode Mode, int Type)? Stat(string path, bool followLinks = true)
    {
        if (LibC.statx(LibC.AT_FDCWD, path, followLinks ? 0 : LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_TYPE | LibC.STATX_UID | LibC.STATX_MODE, out var st) != 0)
            return null;
        return (st.Uid, (UnixFileMode)(st.Mode & 0xFFF), st.Mode & 0xF000);
    }

    /// <summary>What the path is (following links), without opening it.</summary>
    public static FileKind Kind(string path, bool followLinks = true) => Stat(path, followLinks) switch
    {
        null => FileKind.Missing,
        { Type: 0x8000 } => FileKind.Regular,
        { Type: 0x4000 } => FileKind.Directory,
        { Type: 0xA000 } => FileKind.Symlink,
        _ => FileKind.Other,
    };

    /// <summary>
    /// Why a root-run tool must not trust this file, or null when it may: the owner must be root
    /// (or, when not running as root, the invoking user) and group/others must not be able to write it.
    /// A symbolic link is checked itself and then its target (a link owned by someone else is never
    /// followed, whatever it points at).
    /// </summary>
    public static string? WhyUntrusted(string path)
    {
        var link = Stat(path, followLinks: false);
        if (link is null)
            return $"cannot stat {path}: {Marshal.GetLastPInvokeErrorMessage()}";
        if (link.Value.Type == 0xA000 && OwnerProblem(path, link.Value.Uid) is { } linkProblem)
            return "the link " + linkProblem;
        var st = Stat(path);
        if (st is null)
            return $"cannot stat {path}: {Marshal.GetLastPInvokeErrorMessage()}";
        var (uid, mode, _) = st.Value;
        if (OwnerProblem(path, uid) is { } problem) return problem;
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            return $"{path} is writable by group or others (mode {Convert.ToString((int)mode, 8)})";
        return null;
    }

    private static string? OwnerProblem(string path, uint uid) =>
        uid != 0 && uid != EffectiveUserId ? $"{path} is owned by uid {uid}, not root" : null;
}
