using System.Globalization;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.RunState;

/// <summary>
/// The run directory (/run/xen-multibridge): the lock under which a bridge is chosen and the vif
/// attached, and the round-robin cursors. flock locks die with their process, so a killed hotplug
/// never leaves a stale lock.
/// </summary>
public sealed class RunDirectory(string path)
{
    public string Path { get; } = path;

    /// <summary>
    /// Takes the exclusive lock, waiting at most <paramref name="timeout"/>. A busy lock is waited for in
    /// the kernel (a blocking flock on a helper thread), so waiters are woken the moment it is released.
    /// </summary>
    public IDisposable Lock(string name, TimeSpan timeout)
    {
        Ensure();
        var file = System.IO.Path.Combine(Path, name + ".lock");
        // A plain open(2): .NET's FileStream takes flock locks of its own, which would fight ours.
        // Never through a link, never waiting on a FIFO in its place; anything but a regular file is refused.
        if (FileOwner.Stat(file, followLinks: false) is { } st && StateFile.WhatElse(st.Type) is { } other)
            throw new IOException($"lock file {file} is {other}, not a regular file: remove it");
        var fd = LibC.Open(file, LibC.O_RDWR | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0x180);
        if (fd < 0) throw new IOException($"cannot open {file}: {Marshal.GetLastPInvokeErrorMessage()}");
        var held = new HeldLock(fd);
        if (LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) == 0) return held;
        var errno = Marshal.GetLastPInvokeError();
        if (errno != Errno.EWOULDBLOCK && errno != Errno.EINTR)
        {
            held.Dispose();
            throw new IOException($"cannot lock {file}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        if (held.WaitInKernel(timeout)) return held;
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for the lock {file}");
    }

    /// <summary>Creates the run directory if it is missing; says in plain words what is in the way otherwise.</summary>
    public void Ensure()
    {
        switch (FileOwner.Kind(Path))
        {
            case FileKind.Directory:
                return;
            case FileKind.Missing when FileOwner.Kind(Path, followLinks: false) == FileKind.Symlink:
                throw new IOException($"run directory {Path} is a symbolic link to nothing (a dangling link); remove it or point it at a directory");
            case FileKind.Missing:
                try
                {
                    Directory.CreateDirectory(Path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"cannot create run directory {Path}: {e.Message}", e);
                }
                return;
            default:
                throw new IOException($"run directory {Path} is not a directory (a file is in the way); remove it");
        }
    }

    /// <summary>An open descriptor holding a flock; closing it releases the lock.</summary>
    private sealed class HeldLock(int descriptor) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly int _descriptor = descriptor;
        private int _fd = descriptor;
        private bool _abandoned;

        /// <summary>Blocks in flock on a helper thread; false (and the lock given up) after the timeout.</summary>
        public bool WaitInKernel(TimeSpan timeout)
        {
            using var acquired = new ManualResetEventSlim();
            var error = 0;
            var thread = new Thread(() =>
            {
                int r;
                while ((r = LibC.flock(_descriptor, LibC.LOCK_EX)) != 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
                {
                }
                if (r != 0) error = Marshal.GetLastPInvokeError();
                lock (_gate)
                {
                    if (_abandoned) Close();
                    else acquired.Set();
                }
            })
            { IsBackground = true, Name = "flock" };
            thread.Start();
            if (acquired.Wait(timeout) && error == 0) return true;
            lock (_gate)
            {
                if (acquired.IsSet && error == 0) return true;
                _abandoned = true; // the waiting thread closes the descriptor if it ever gets the lock
            }
            return false;
        }

        public void Dispose() => Close();

        private void Close()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0) LibC.Close(fd);
        }
    }

    /// <summary>The stored round-robin cursor of a pool (0 when none, or when it cannot be read: <paramref name="warn"/> says why).</summary>
    public long ReadCursor(string pool, Action<string>? warn = null)
    {
        var text = StateFile.Read(CursorFile(pool), out var problem, limit: 64);
        if (problem is not null) warn?.Invoke(problem + "; the round-robin starts over");
        return text is not null && long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }

    /// <summary>Stores a pool's cursor (write to a temporary file, then rename: never a torn value).</summary>
    public void WriteCursor(string pool, long cursor)
    {
        Ensure();
        AtomicFile.WriteText(CursorFile(pool), cursor.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    private string CursorFile(string pool) => System.IO.Path.Combine(Path, "rr-" + Uri.EscapeDataString(pool));
}
