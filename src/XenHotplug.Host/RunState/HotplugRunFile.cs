using System.Runtime.InteropServices;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Request;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.RunState;

/// <summary>
/// vif-multibridge's run counters in the run directory (hotplug-runs, <see cref="HotplugRunLayout"/>): each run adds
/// its outcome and duration with three atomic adds in a shared mapping of the file — no lock to wait for, no fsync,
/// no growth (a fixed set of counters, bounded by construction), a handful of system calls (stat, open, statx,
/// mmap, munmap, close; fallocate once when the file is new). The blocks are allocated before the mapping is
/// written, so a full file system is an error returned, never a SIGBUS. Recording never throws: what goes wrong is
/// returned as one line, and the run's result stands.
/// </summary>
public sealed class HotplugRunFile(string runDirectory)
{
    public const string Name = "hotplug-runs";

    public string FilePath { get; } = Path.Combine(runDirectory, Name);

    /// <summary>Adds one run; null when counted, else why it was not (the hotplug carries on regardless).</summary>
    public unsafe string? Record(HotplugCommand action, HotplugOutcome outcome, long microseconds)
    {
        try
        {
            if (!Directory.Exists(runDirectory)) new RunDirectory(runDirectory).Ensure();
            if (FileOwner.Stat(FilePath, followLinks: false) is { } before && StateFile.WhatElse(before.Type) is { } other)
                return $"{FilePath} is {other}, not a regular file: run not counted (remove it)";
            var fd = LibC.Open(FilePath, LibC.O_RDWR | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0x1A4); // 0644: status reads it as anyone
            if (fd < 0) return $"cannot open {FilePath}: {Marshal.GetLastPInvokeErrorMessage()}; run not counted";
            try
            {
                if (LibC.statx(fd, "", LibC.AT_EMPTY_PATH, LibC.STATX_TYPE | LibC.STATX_SIZE, out var st) != 0)
                    return $"cannot stat {FilePath}: {Marshal.GetLastPInvokeErrorMessage()}; run not counted";
                if (StateFile.WhatElse(st.Mode & 0xF000) is { } swapped) return $"{FilePath} is {swapped}, not a regular file: run not counted (remove it)";
                if (st.Size != HotplugRunLayout.Size)
                {
                    if (st.Size != 0) return $"{FilePath} is {st.Size} bytes, not {HotplugRunLayout.Size} (truncated or not a counters file): run not counted (remove it)";
                    // New: allocate the blocks (two runs racing both allocate the same range; nothing written is lost).
                    if (LibC.Fallocate(fd, 0, 0, HotplugRunLayout.Size) != 0)
                        return $"cannot size {FilePath}: {Marshal.GetLastPInvokeErrorMessage()}; run not counted";
                }
                var map = LibC.Mmap(0, HotplugRunLayout.Size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
                if (map == -1) return $"cannot map {FilePath}: {Marshal.GetLastPInvokeErrorMessage()}; run not counted";
                try
                {
                    var slots = (long*)map;
                    var magic = Interlocked.CompareExchange(ref slots[0], HotplugRunLayout.Magic, 0);
                    if (magic is not (0 or HotplugRunLayout.Magic))
                        return $"{FilePath} does not start with the counters' magic (another version, or damaged): run not counted (remove it)";
                    var (runs, bucket, sum) = HotplugRunLayout.SlotsOf(action, outcome, microseconds);
                    Interlocked.Increment(ref slots[runs]);
                    Interlocked.Increment(ref slots[bucket]);
                    Interlocked.Add(ref slots[sum], microseconds);
                    return null;
                }
                finally
                {
                    LibC.Munmap(map, HotplugRunLayout.Size);
                }
            }
            finally
            {
                LibC.Close(fd);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot count the run in {FilePath}: {e.Message}";
        }
    }

    /// <summary>The counters; all 0 when there is no file yet; null, and <paramref name="warn"/> says why, when it cannot be read or is damaged.</summary>
    public HotplugRunTotals? Read(Action<string> warn)
    {
        var bytes = StateFile.ReadBytes(FilePath, out var problem, limit: 1 << 16);
        if (problem is not null)
        {
            warn(problem + ": no hotplug run metrics");
            return null;
        }
        if (bytes is null) return HotplugRunTotals.Empty;
        var totals = HotplugRunTotals.Decode(bytes, out var damaged);
        if (damaged is not null) warn($"{FilePath} {damaged}: no hotplug run metrics (remove it)");
        return totals;
    }
}
