using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace XenHotplug.Host.Xenstore;

/// <summary>poll(2) on a file handle, to wait for the xenbus device to become readable with a timeout.</summary>
internal static partial class FileDescriptorPoll
{
    private const short PollIn = 0x0001;
    private const int EINTR = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    /// <summary>True when <paramref name="handle"/> is readable (or at EOF/error) within the timeout; -1 ms waits forever.</summary>
    public static bool WaitReadable(SafeFileHandle handle, int timeoutMilliseconds)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var fd = new PollFd { Fd = (int)handle.DangerousGetHandle(), Events = PollIn };
            while (true)
            {
                int result = Poll(ref fd, 1, timeoutMilliseconds);
                if (result >= 0)
                {
                    return result > 0;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != EINTR)
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
