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

    /// <summary>
    /// The connected descriptor, or null and the reason (strerror) when it cannot be made. With
    /// <paramref name="timeoutMilliseconds"/> the connect — which waits while a xenstored that stopped accepting
    /// has a full listen queue — gives up after that long (SO_SNDTIMEO, which bounds later writes as well).
    /// </summary>
    public static SafeFileHandle? Connect(string path, out string? error, int? timeoutMilliseconds = null)
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
        if (timeoutMilliseconds is { } timeout) SetSendTimeout(fd, timeout);
        var address = stackalloc byte[2 + SunPathLength];
        new Span<byte>(address, 2 + SunPathLength).Clear();
        address[0] = AF_UNIX; // sa_family_t, little-endian
        bytes.CopyTo(new Span<byte>(address + 2, SunPathLength));
        int result;
        while ((result = LibC.Connect(fd, address, 2 + bytes.Length + 1)) != 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
        {
        }
        if (result != 0)
        {
            error = Marshal.GetLastPInvokeError() == Errno.EAGAIN ? "no answer in time (its listen queue is full)" : Marshal.GetLastPInvokeErrorMessage();
            _ = LibC.Close(fd);
            return null;
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Bounds how long a send (or connect) on <paramref name="fd"/> may block: at least 1 ms, since 0 means
    /// forever. Not a socket (the xenbus device, whose writes never wait): nothing to do.
    /// </summary>
    public static void SetSendTimeout(int fd, int timeoutMilliseconds)
    {
        var ms = Math.Max(1, timeoutMilliseconds);
        var value = new LibC.TimeVal { Seconds = ms / 1000, Microseconds = ms % 1000 * 1000L };
        _ = LibC.SetSockOpt(fd, LibC.SOL_SOCKET, LibC.SO_SNDTIMEO, ref value, sizeof(LibC.TimeVal));
    }

}
