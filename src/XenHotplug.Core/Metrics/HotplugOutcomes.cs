using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;

namespace XenHotplug.Core.Metrics;

/// <summary>The label values of <see cref="HotplugOutcome"/> and the class of a failure.</summary>
public static class HotplugOutcomes
{
    public static IReadOnlyList<HotplugOutcome> All { get; } = [HotplugOutcome.Success, HotplugOutcome.Refused, HotplugOutcome.Timeout, HotplugOutcome.Error];

    /// <summary>The result label: success or failure.</summary>
    public static string Result(HotplugOutcome outcome) => outcome == HotplugOutcome.Success ? "success" : "failure";

    /// <summary>The reason label: none for a success, else refused, timeout or error.</summary>
    public static string Reason(HotplugOutcome outcome) => outcome == HotplugOutcome.Success ? "none" : outcome.ToString().ToLowerInvariant();

    /// <summary>
    /// The class of the failure that ended a run, from it and the failures it wraps: a deadline reached or a
    /// time-out is a timeout; a network operation that failed (<see cref="NetOpException"/>) or one of the host's
    /// own errors (<paramref name="hostError"/>: xenstore, netlink, nftables) is an error, as are I/O, permission
    /// and internal errors; any other clean failure (<see cref="XenHotplugException"/>: the request, the
    /// configuration or the policy said no) is refused.
    /// </summary>
    public static HotplugOutcome Classify(Exception e, Func<Exception, bool>? hostError = null)
    {
        var chain = new List<Exception>();
        for (Exception? x = e; x is not null && chain.Count < 8; x = x.InnerException) chain.Add(x);
        if (chain.Exists(x => x is TimeoutException or HotplugException { DeadlineReached: true })) return HotplugOutcome.Timeout;
        if (chain.Exists(x => x is NetOpException || hostError?.Invoke(x) == true)) return HotplugOutcome.Error;
        return e is XenHotplugException ? HotplugOutcome.Refused : HotplugOutcome.Error;
    }
}
