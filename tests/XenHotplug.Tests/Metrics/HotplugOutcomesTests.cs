using XenHotplug.Core.Failures;
using XenHotplug.Core.Metrics;
using XenHotplug.Core.Network;

namespace XenHotplug.Tests.Metrics;

public sealed class HotplugOutcomesTests
{
    private sealed class HostError : Exception;

    [Fact]
    public void A_reached_deadline_or_a_time_out_is_a_timeout_even_wrapped()
    {
        Assert.Equal(HotplugOutcome.Timeout, HotplugOutcomes.Classify(new HotplugException("deadline") { DeadlineReached = true }));
        Assert.Equal(HotplugOutcome.Timeout, HotplugOutcomes.Classify(new TimeoutException("lock")));
        Assert.Equal(HotplugOutcome.Timeout, HotplugOutcomes.Classify(new HotplugException("attach failed", new TimeoutException("reply"))));
    }

    [Fact]
    public void A_clean_failure_is_refused_and_the_hosts_own_errors_are_errors()
    {
        Assert.Equal(HotplugOutcome.Refused, HotplugOutcomes.Classify(new HotplugException("bridge xenbr9 does not exist")));
        Assert.Equal(HotplugOutcome.Refused, HotplugOutcomes.Classify(new ConfigException("bad key")));
        Assert.Equal(HotplugOutcome.Refused, HotplugOutcomes.Classify(new IdentityException("vif and XENBUS_PATH disagree")));
        Assert.Equal(HotplugOutcome.Error, HotplugOutcomes.Classify(new HotplugException("attach failed", new NetOpException("RTM_NEWLINK: EBUSY"))));
        Assert.Equal(HotplugOutcome.Error, HotplugOutcomes.Classify(new HostError(), x => x is HostError));
        Assert.Equal(HotplugOutcome.Error, HotplugOutcomes.Classify(new IOException("disk")));
        Assert.Equal(HotplugOutcome.Error, HotplugOutcomes.Classify(new InvalidOperationException("bug")));
    }

    [Fact]
    public void The_labels_are_a_fixed_small_set()
    {
        Assert.Equal(["success/none", "failure/refused", "failure/timeout", "failure/error"],
            HotplugOutcomes.All.Select(o => HotplugOutcomes.Result(o) + "/" + HotplugOutcomes.Reason(o)));
    }
}
