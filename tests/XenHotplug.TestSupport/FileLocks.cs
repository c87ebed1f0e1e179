namespace XenHotplug.TestSupport;

/// <summary>The kernel's view of flock(2) locks (/proc/locks): lets a test wait for "held" or "waited for" as a condition, not a sleep.</summary>
public static class FileLocks
{
    /// <summary>Waits (at most <paramref name="timeout"/>, default 30 s) until the file has this many FLOCK holders and blocked waiters.</summary>
    public static bool WaitFor(string path, int holders, int waiters, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && Count(path) == (holders, waiters)) return true;
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>Holders and blocked waiters of flock locks on the file's inode.</summary>
    public static (int Holders, int Waiters) Count(string path)
    {
        var inode = Inode(path);
        var holders = 0;
        var waiters = 0;
        foreach (var line in File.ReadAllLines("/proc/locks"))
        {
            // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF" or "1: -> FLOCK  ADVISORY  WRITE 1235 fd:01:5678 0 EOF"
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var blocked = f.Length > 1 && f[1] == "->";
            var rest = blocked ? f[2..] : f[1..];
            if (rest.Length < 5 || rest[0] != "FLOCK") continue;
            if (!rest[4].EndsWith(":" + inode, StringComparison.Ordinal)) continue;
            if (blocked) waiters++;
            else holders++;
        }
        return (holders, waiters);
    }

    private static string Inode(string path)
    {
        var r = Proc.Run("stat", ["-c", "%i", path]);
        return r.StdOut.Trim();
    }
}
