using System.Globalization;
using System.Runtime.InteropServices;
using XenHotplug.Native;

namespace XenHotplug.Policy;

/// <summary>
/// The run directory (/run/xen-multibridge): the lock under which a bridge is chosen and the vif
/// attached, and the round-robin cursors. flock locks die with their process, so a killed hotplug
/// never leaves a stale lock.
/// </summary>
public sealed class RunDirectory(string path)
{
    public string Path { get; } = path;

    /// <summary>Takes the exclusive lock, waiting at most <paramref name="timeout"/>.</summary>
    public IDisposable Lock(string name, TimeSpan timeout)
    {
        Directory.CreateDirectory(Path);
        var file = System.IO.Path.Combine(Path, name + ".lock");
        // A plain open(2): .NET's FileStream takes flock locks of its own, which would fight ours.
        var fd = LibC.Open(file, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC, 0x180);
        if (fd < 0) throw new IOException($"cannot open {file}: {Marshal.GetLastPInvokeErrorMessage()}");
        var held = new HeldLock(fd);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var wait = 1;
        while (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EWOULDBLOCK && errno != LibC.EINTR)
            {
                held.Dispose();
                throw new IOException($"cannot lock {file}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            if (Environment.TickCount64 > deadline)
            {
                held.Dispose();
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for the lock {file}");
            }
            Thread.Sleep(wait);
            wait = Math.Min(wait * 2, 20);
        }
        return held;
    }

    /// <summary>An open descriptor holding a flock; closing it releases the lock.</summary>
    private sealed class HeldLock(int fd) : IDisposable
    {
        private int _fd = fd;

        public void Dispose()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0) LibC.Close(fd);
        }
    }

    /// <summary>The stored round-robin cursor of a pool (0 when none).</summary>
    public long ReadCursor(string pool)
    {
        try
        {
            return long.TryParse(File.ReadAllText(CursorFile(pool)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Stores a pool's cursor (write to a temporary file, then rename: never a torn value).</summary>
    public void WriteCursor(string pool, long cursor)
    {
        Directory.CreateDirectory(Path);
        var file = CursorFile(pool);
        var temp = file + ".tmp";
        File.WriteAllText(temp, cursor.ToString(CultureInfo.InvariantCulture) + "\n");
        File.Move(temp, file, overwrite: true);
    }

    private string CursorFile(string pool) => System.IO.Path.Combine(Path, "rr-" + Uri.EscapeDataString(pool));
}
