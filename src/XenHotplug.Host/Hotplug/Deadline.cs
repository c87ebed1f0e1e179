using System.Globalization;
using XenHotplug.Core.Failures;

namespace XenHotplug.Host.Hotplug;

/// <summary>
/// The one deadline of a hotplug run (<c>[hotplug] deadline</c>): every wait — the device appearing, the
/// attach lock, xenstore replies, the hooks together — draws from it, so a run always ends, and reports,
/// before libxl's 40 s kill. The clock is injectable for tests.
/// </summary>
public sealed class Deadline
{
    private readonly Func<long> _clock;
    private readonly long _end;

    /// <summary>A deadline <paramref name="budget"/> after now on <paramref name="clockMilliseconds"/> (monotonic).</summary>
    public Deadline(TimeSpan budget, Func<long> clockMilliseconds)
    {
        _clock = clockMilliseconds;
        Budget = budget;
        _end = clockMilliseconds() + (long)Math.Max(0, budget.TotalMilliseconds);
    }

    /// <summary>A deadline on the monotonic clock, starting now.</summary>
    public static Deadline Start(TimeSpan budget) => new(budget, () => Environment.TickCount64);

    /// <summary>A deadline on the monotonic clock that started at <paramref name="startMilliseconds"/> (Environment.TickCount64), e.g. at process start.</summary>
    public static Deadline Since(long startMilliseconds, TimeSpan budget) =>
        new(budget - TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - startMilliseconds)), () => Environment.TickCount64) { Budget = budget };

    /// <summary>No practical limit (tests and library callers that set none).</summary>
    public static Deadline None => new(TimeSpan.FromDays(1), () => Environment.TickCount64);

    /// <summary>The whole budget.</summary>
    public TimeSpan Budget { get; private init; }

    /// <summary>Time left, never negative.</summary>
    public TimeSpan Remaining => TimeSpan.FromMilliseconds(RemainingMilliseconds);

    /// <summary>Milliseconds left, never negative (what poll(2) takes).</summary>
    public int RemainingMilliseconds => (int)Math.Clamp(_end - _clock(), 0, int.MaxValue);

    /// <summary>True when no time is left.</summary>
    public bool Expired => _end - _clock() <= 0;

    /// <summary>The smaller of <paramref name="wait"/> and the time left.</summary>
    public TimeSpan Cap(TimeSpan wait) => wait < Remaining ? wait : Remaining;

    /// <summary>The failure of a wait that the deadline cut short.</summary>
    public HotplugException Exceeded(string waitingFor) =>
        new($"deadline of {Seconds} s reached while {waitingFor} ([hotplug] deadline)") { DeadlineReached = true };

    /// <summary>Throws <see cref="Exceeded"/> when no time is left.</summary>
    public void ThrowIfExpired(string doing)
    {
        if (Expired) throw Exceeded(doing);
    }

    private string Seconds => Budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
