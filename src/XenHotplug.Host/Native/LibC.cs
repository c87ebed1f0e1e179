using System.Runtime.InteropServices;

namespace XenHotplug.Host.Native;

/// <summary>Every libc call the project makes, in one place: flock, open/read/close, statx, fallocate, mmap/munmap, geteuid, getpid/kill, sockets (netlink, Unix, packet; setsockopt), poll, directory listing.</summary>
internal static partial class LibC
{
    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;
    public const int AT_FDCWD = -100;
    public const uint STATX_UID = 0x8;
    public const uint STATX_MODE = 0x2;
    public const uint STATX_TYPE = 0x1;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    public const int SIGSTOP = 19;

    [LibraryImport("libc")]
    public static partial int getpid();

    [LibraryImport("libc")]
    public static partial int kill(int pid, int signal);

    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    public const int AF_NETLINK = 16;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int NETLINK_ROUTE = 0;
    public const int NETLINK_NETFILTER = 12;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static unsafe partial nint Receive(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, out StatX buffer);

    /// <summary>struct statx: the same layout on every Linux architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct StatX
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(40)] public ulong Size;
    }

    public const uint STATX_SIZE = 0x200;

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    public static partial int Fallocate(int fd, int mode, long offset, long length);

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    public const int AF_PACKET = 17;
    public const int SOCK_NONBLOCK = 0x800;
    public const int MSG_DONTWAIT = 0x40;
    public const uint RTMGRP_LINK = 1;

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static unsafe partial int Bind(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static unsafe partial nint SendTo(int fd, byte* buffer, nint length, int flags, byte* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static unsafe partial int Connect(int fd, byte* address, int length);

    public const short POLLIN = 0x0001;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    public const int SOL_SOCKET = 1;
    public const int SO_SNDTIMEO = 21;

    /// <summary>struct timeval (64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, ref TimeVal value, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, ref int value, int length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_NONBLOCK = 0x800;
    public const int O_NOFOLLOW = 0x20000;
    public const int AT_EMPTY_PATH = 0x1000;

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nint length);

    /// <summary>posix_spawn_file_actions_t is 80 bytes in glibc on every architecture; callers give this many.</summary>
    public const int SpawnFileActionsSize = 128;

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static unsafe partial int SpawnFileActionsInit(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static unsafe partial int SpawnFileActionsDestroy(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static unsafe partial int SpawnFileActionsAddDup2(byte* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    public static unsafe partial int SpawnFileActionsAddOpen(byte* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static unsafe partial int PosixSpawn(int* pid, byte* path, byte* actions, nint attributes, byte** argv, byte** envp);
    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint OpenDir(string path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    public static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    public static partial int CloseDir(nint dir);

    /// <summary>offsetof(struct dirent, d_name) on 64-bit Linux (glibc and musl): d_ino, d_off (8 each), d_reclen (2), d_type (1).</summary>
    private const int DirentNameOffset = 19;

    /// <summary>
    /// The names in a directory, without "." and "..", and without a stat of each entry (which .NET's enumerators
    /// make for every symlink); null when the directory cannot be opened.
    /// </summary>
    public static List<string>? DirectoryNames(string path)
    {
        var dir = OpenDir(path);
        if (dir == 0) return null;
        try
        {
            var names = new List<string>();
            for (var entry = ReadDir(dir); entry != 0; entry = ReadDir(dir))
            {
                var name = Marshal.PtrToStringUTF8(entry + DirentNameOffset);
                if (name is not (null or "." or "..")) names.Add(name);
            }
            return names;
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }
}
