using XenHotplug.Host.Native;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// Hands the last reference to a netfilter netlink socket to a short-lived child, so that neither this process nor
/// the next nf_tables transaction waits for the kernel's cleanup. Why: releasing an nfnetlink socket runs nf_tables'
/// NETLINK_URELEASE notifier, which takes the commit mutex and flushes the deferred destruction of the last
/// transaction — one RCU grace period, 5–15 ms on the test machine, which `nft -f` pays at its exit as well (most of
/// an nft run). Released right away, it is paid by this process; released when this process ends, it delays the next
/// transaction (the next online) instead. Held for a second by `sleep 1`, the grace period has passed and the release
/// costs nothing. The batch was applied and acknowledged before this runs: only the release moves. The child holds
/// nothing else (stdin, stdout and stderr are /dev/null, every other descriptor of the project is close-on-exec), so
/// no caller waits for it. If it cannot be started the socket is closed here, and the wait is paid here.
/// </summary>
internal static class DeferredRelease
{
    /// <summary>
    /// Closes <paramref name="fd"/> in this process; the socket itself is released when the holder ends. The start of
    /// the holder (posix_spawn waits for its exec) runs on a background thread while the hotplug goes on; should the
    /// process end first, the child already holds the socket once it exists, else the exit pays the wait.
    /// </summary>
    public static void Close(int fd)
    {
        try
        {
            new Thread(() => HandOffAndClose(fd)) { IsBackground = true, Name = "nfnetlink release" }.Start();
        }
        catch (OutOfMemoryException)
        {
            HandOffAndClose(fd);
        }
    }

    private static void HandOffAndClose(int fd)
    {
        TryHandOff(fd);
        LibC.Close(fd);
    }

    private static unsafe void TryHandOff(int fd)
    {
        var actions = stackalloc byte[LibC.SpawnFileActionsSize];
        if (LibC.SpawnFileActionsInit(actions) != 0) return;
        try
        {
            var target = fd == 3 ? 4 : 3; // dup2 onto another number: the child's copy is not close-on-exec
            fixed (byte* devNull = "/dev/null\0"u8)
            fixed (byte* sleep = "/bin/sleep\0"u8)
            fixed (byte* second = "1\0"u8)
            {
                if (LibC.SpawnFileActionsAddOpen(actions, 0, devNull, LibC.O_RDONLY, 0) != 0
                    || LibC.SpawnFileActionsAddOpen(actions, 1, devNull, LibC.O_WRONLY, 0) != 0
                    || LibC.SpawnFileActionsAddDup2(actions, 1, 2) != 0
                    || LibC.SpawnFileActionsAddDup2(actions, fd, target) != 0)
                    return;
                var argv = stackalloc byte*[3];
                argv[0] = sleep;
                argv[1] = second;
                argv[2] = null;
                var envp = stackalloc byte*[1];
                envp[0] = null;
                int pid;
                _ = LibC.PosixSpawn(&pid, sleep, actions, 0, argv, envp); // not started: LibC.Close below pays the wait
            }
        }
        finally
        {
            _ = LibC.SpawnFileActionsDestroy(actions);
        }
    }
}
