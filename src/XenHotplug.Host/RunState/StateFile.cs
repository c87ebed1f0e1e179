using System.Runtime.InteropServices;
using System.Text;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.RunState;

/// <summary>
/// Reads a run-directory state file (balancer.json, a round-robin cursor, the uplink records, the journal) without
/// ever blocking: never through a symbolic link (O_NOFOLLOW), never a FIFO, socket, device or directory (checked
/// before the open, and again on the open descriptor), opened O_NONBLOCK, at most <see cref="Limit"/> bytes.
/// Whatever is in the way comes back as one line naming the file and what it is.
/// </summary>
public static class StateFile
{
    /// <summary>No state file the project writes comes near this (balancer.json keeps ten minutes of moves).</summary>
    public const int Limit = 1 << 20;

    /// <summary>The file's text; null when it is missing (then <paramref name="problem"/> is null too) or cannot be read (then it says why).</summary>
    public static string? Read(string path, out string? problem, int limit = Limit) =>
        ReadBytes(path, out problem, limit) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>As <see cref="Read"/>, the file's bytes.</summary>
    public static unsafe byte[]? ReadBytes(string path, out string? problem, int limit = Limit)
    {
        problem = null;
        var before = FileOwner.Stat(path, followLinks: false);
        if (before is null) return null;
        if (WhatElse(before.Value.Type) is { } other)
        {
            problem = $"{path} is {other}, not a regular file: not read (remove it)";
            return null;
        }
        var fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.ENOENT) return null;
            problem = errno == Errno.ELOOP ? $"{path} is a symbolic link, not a regular file: not read (remove it)"
                : $"cannot read {path}: {Marshal.GetPInvokeErrorMessage(errno)}";
            return null;
        }
        try
        {
            // The open descriptor is what counts: the path may have been swapped since the first look.
            if (LibC.statx(fd, "", LibC.AT_EMPTY_PATH, LibC.STATX_TYPE, out var st) != 0)
            {
                problem = $"cannot read {path}: {Marshal.GetLastPInvokeErrorMessage()}";
                return null;
            }
            if (WhatElse(st.Mode & 0xF000) is { } swapped)
            {
                problem = $"{path} is {swapped}, not a regular file: not read (remove it)";
                return null;
            }
            var buffer = new byte[limit + 1];
            var total = 0;
            fixed (byte* b = buffer)
            {
                while (total < buffer.Length)
                {
                    var n = LibC.Read(fd, b + total, buffer.Length - total);
                    if (n < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR) continue;
                    if (n < 0)
                    {
                        problem = $"cannot read {path}: {Marshal.GetLastPInvokeErrorMessage()}";
                        return null;
                    }
                    if (n == 0) break;
                    total += (int)n;
                }
            }
            if (total > limit)
            {
                problem = $"{path} is larger than {limit} bytes: not read (remove it)";
                return null;
            }
            return buffer[..total];
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <summary>What a non-regular file is, in words (null: a regular file).</summary>
    public static string? WhatElse(int type) => type switch
    {
        0x8000 => null,
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x4000 => "a directory",
        0xA000 => "a symbolic link",
        0xC000 => "a socket",
        _ => "not a regular file",
    };
}
