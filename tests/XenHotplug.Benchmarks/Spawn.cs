using System.Runtime.InteropServices;

namespace XenHotplug.Benchmarks;

/// <summary>
/// posix_spawn and wait4 straight from libc: the measured process is started directly (no .NET Process
/// bookkeeping, no pipes), and wait4 hands back its resource usage (ru_maxrss) with its exit status.
/// </summary>
internal static partial class Spawn
{
    private const int OWronly = 0x1;
    private const int ORdonly = 0x0;
    private const int OCreat = 0x40;
    private const int OAppend = 0x400;
    private const int Eintr = 4;

    [LibraryImport("libc")]
    private static partial int posix_spawn(out int pid, nint path, nint fileActions, nint attr, nint argv, nint envp);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(nint fileActions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(nint fileActions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addopen(nint fileActions, int fd, nint path, int flags, uint mode);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_adddup2(nint fileActions, int fd, int newFd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int wait4(int pid, out int status, int options, out RUsage usage);

    /// <summary>struct rusage on 64-bit Linux: two timevals, then longs; ru_maxrss (KiB) is the first long.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 144)]
    public struct RUsage
    {
        [FieldOffset(32)] public long MaxRssKb;
    }

    /// <summary>stdin from /dev/null, stdout and stderr appended to one log file; shared by many spawns.</summary>
    public sealed class Redirect : IDisposable
    {
        private readonly nint _actions = Marshal.AllocHGlobal(256);
        private readonly nint _log;
        private readonly nint _null = Marshal.StringToCoTaskMemUTF8("/dev/null");

        public Redirect(string logPath)
        {
            _log = Marshal.StringToCoTaskMemUTF8(logPath);
            Check(posix_spawn_file_actions_init(_actions), "posix_spawn_file_actions_init");
            Check(posix_spawn_file_actions_addopen(_actions, 0, _null, ORdonly, 0), "addopen stdin");
            Check(posix_spawn_file_actions_addopen(_actions, 1, _log, OWronly | OCreat | OAppend, 0x1a4), "addopen stdout");
            Check(posix_spawn_file_actions_adddup2(_actions, 1, 2), "adddup2 stderr");
        }

        public nint Handle => _actions;

        public void Dispose()
        {
            _ = posix_spawn_file_actions_destroy(_actions);
            Marshal.FreeHGlobal(_actions);
            Marshal.FreeCoTaskMem(_log);
            Marshal.FreeCoTaskMem(_null);
        }
    }

    /// <summary>A command line and environment marshalled ahead of time, so that spawning costs only the spawn.</summary>
    public sealed class Prepared : IDisposable
    {
        private readonly List<nint> _strings = [];

        public Prepared(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env)
        {
            Path = Utf8(file);
            Argv = Vector([file, .. args]);
            Envp = Vector(env.Select(kv => kv.Key + "=" + kv.Value).ToList());
        }

        public nint Path { get; }
        public nint Argv { get; }
        public nint Envp { get; }

        private nint Utf8(string s)
        {
            var p = Marshal.StringToCoTaskMemUTF8(s);
            _strings.Add(p);
            return p;
        }

        private nint Vector(List<string> items)
        {
            var v = Marshal.AllocHGlobal((items.Count + 1) * IntPtr.Size);
            for (var i = 0; i < items.Count; i++) Marshal.WriteIntPtr(v, i * IntPtr.Size, Utf8(items[i]));
            Marshal.WriteIntPtr(v, items.Count * IntPtr.Size, 0);
            _vectors.Add(v);
            return v;
        }

        private readonly List<nint> _vectors = [];

        public void Dispose()
        {
            foreach (var s in _strings) Marshal.FreeCoTaskMem(s);
            foreach (var v in _vectors) Marshal.FreeHGlobal(v);
        }
    }

    public static int Start(Prepared p, Redirect r)
    {
        Check(posix_spawn(out var pid, p.Path, r.Handle, 0, p.Argv, p.Envp), "posix_spawn");
        return pid;
    }

    /// <summary>Waits for <paramref name="pid"/> (-1: any child): its pid, exit code (128+signal when killed) and max RSS.</summary>
    public static (int Pid, int ExitCode, long MaxRssKb) Wait(int pid)
    {
        while (true)
        {
            var r = wait4(pid, out var status, 0, out var usage);
            if (r > 0)
            {
                var code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
                return (r, code, usage.MaxRssKb);
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) throw new InvalidOperationException($"wait4 failed: errno {errno}");
        }
    }

    private static void Check(int error, string what)
    {
        if (error != 0) throw new InvalidOperationException($"{what} failed: errno {error}");
    }
}
