using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Xenstore;

/// <summary>poll(2) on a file handle, to wait for the xenbus device to become readable with a timeout.</summary>
internal static partial class FileDescriptorPoll
{
    /// <summary>True when <paramref name="handle"/> is readable (or at EOF/error) within the timeout; -1 ms waits forever.</summary>
    public static bool WaitReadable(SafeFileHandle handle, int timeoutMilliseconds)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var fd = new LibC.PollFd { Fd = (int)handle.DangerousGetHandle(), Events = LibC.POLLIN };
            while (true)
            {
                int result = LibC.Poll(ref fd, 1, timeoutMilliseconds);
                if (result >= 0)
                {
                    return result > 0;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw new XenstoreConnectionException($"poll on the xenbus device failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
