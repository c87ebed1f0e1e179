using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Xenstore;

/// <summary>A connected AF_UNIX stream socket as a plain file descriptor (socket(2) + connect(2)).</summary>
internal static unsafe partial class UnixStreamSocket
{
    private const int AF_UNIX = 1;
    private const int SOCK_STREAM = 1;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int SunPathLength = 108;

    /// <summary>The connected descriptor, or null and the reason (strerror) when it cannot be made.</summary>
    public static SafeFileHandle? Connect(string path, out string? error)
    {
        error = null;
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length >= SunPathLength)
        {
            error = "path too long for a Unix socket";
            return null;
        }
        var fd = LibC.Socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            error = Marshal.GetLastPInvokeErrorMessage();
            return null;
        }
        var address = stackalloc byte[2 + SunPathLength];
        new Span<byte>(address, 2 + SunPathLength).Clear();
        address[0] = AF_UNIX; // sa_family_t, little-endian
        bytes.CopyTo(new Span<byte>(address + 2, SunPathLength));
        int result;
        while ((result = LibC.Connect(fd, address, 2 + bytes.Length + 1)) != 0 && Marshal.GetLastPInvokeError() == LibC.EINTR)
        {
        }
        if (result != 0)
        {
            error = Marshal.GetLastPInvokeErrorMessage();
            _ = LibC.Close(fd);
            return null;
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

}
