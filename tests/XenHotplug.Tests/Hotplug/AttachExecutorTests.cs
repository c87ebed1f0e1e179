using Serilog.Core;
using XenHotplug.Core.Failures;
using XenHotplug.Host.Hotplug;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Hotplug;

public sealed class AttachExecutorTests
{
    private static readonly string[] BridgeUndo = ["ip link set dev eth5 down", "ip link set dev eth5 nomaster", "ip link delete dev xenbr5"];

    private static readonly string[] PortUndo =
    [
        "ip link set dev web down",
        "ip link set dev web nomaster",
        "ip link set dev web mtu 1500",
        "ip link set dev web address 00:16:3e:00:00:01",
        "ip link set dev web down",
        "ip link set dev web name vif3.0",
        "ip link set dev vif3.0 alias ",
    ];

    public static TheoryData<string, string[]> FailurePoints => new()
    {
        { "bridge:0", [] },
        { "bridge:2", ["ip link set dev eth5 nomaster", "ip link delete dev xenbr5"] },
        { "guard", BridgeUndo },
        { "port:0", ["unguard web", .. BridgeUndo] },
        {
            "port:5",
            [
                "ip link set dev web address 00:16:3e:00:00:01", "ip link set dev web down", "ip link set dev web name vif3.0",
                "ip link set dev vif3.0 alias ", "unguard web", .. BridgeUndo,
            ]
        },
        { "cursor", [.. PortUndo, "unguard web", .. BridgeUndo] },
        { "xenstore", ["cursor p 0", .. PortUndo, "unguard web", .. BridgeUndo] },
    };

    [Theory]
    [MemberData(nameof(FailurePoints))]
    public void A_failure_at_any_step_takes_back_exactly_what_ran_last_first(string failAt, string[] undo)
    {
        var effects = new RecordingEffects { FailAt = failAt };
        Assert.Throws<HotplugException>(() => Executor(effects, Deadline.None).Execute(AttachFixture.Request, AttachFixture.Plan()));
        Assert.Equal(undo, effects.Undo);
    }

    [Fact]
    public void A_whole_attach_runs_every_step_in_order_and_undoes_nothing()
    {
        var effects = new RecordingEffects();
        Executor(effects, Deadline.None).Execute(AttachFixture.Request, AttachFixture.Plan());
        Assert.Equal("ip link add name xenbr5 mtu 9000 type bridge stp_state 0 forward_delay 0", effects.Journal[0]);
        Assert.Contains("guard web", effects.Journal);
        Assert.Equal(["cursor p 1", "xenstore /local/domain/3/device/vif/0/mtu 9000", "xenstore backend/vif/3/0/hotplug-status connected"], effects.Journal[^3..]);
        Assert.DoesNotContain("FAILED", effects.Journal);
    }

    [Theory]
    [InlineData("bridge:1", "cannot create bridge xenbr5: injected failure")]
    [InlineData("guard", "antispoof: cannot install the rules for web: injected failure")]
    [InlineData("port:3", "attaching vif3.0 to xenbr5 failed: 'ip link set dev web address fe:ff:ff:ff:ff:ff' failed: injected failure; vif3.0 was put back as it was")]
    [InlineData("xenstore", "xenstore: injected failure; vif3.0 was put back as it was")]
    public void A_failure_is_one_line_that_says_whether_the_device_was_put_back(string failAt, string message)
    {
        var e = Assert.Throws<HotplugException>(() => Executor(new RecordingEffects { FailAt = failAt }, Deadline.None).Execute(AttachFixture.Request, AttachFixture.Plan()));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_deadline_reached_between_steps_stops_the_attach_and_takes_it_back()
    {
        // Each step's check reads the clock once; the fifth reading (before the xenstore step) is past the end.
        long now = 0;
        var deadline = new Deadline(TimeSpan.FromMilliseconds(5), () => now++);
        var effects = new RecordingEffects();
        var e = Assert.Throws<HotplugException>(() => Executor(effects, deadline).Execute(AttachFixture.Request, AttachFixture.Plan()));
        Assert.Equal("deadline of 0.005 s reached while attaching web to xenbr5 ([hotplug] deadline); vif3.0 was put back as it was", e.Message);
        Assert.DoesNotContain(effects.Journal, l => l.StartsWith("xenstore", StringComparison.Ordinal));
        Assert.Equal(["cursor p 1", "cursor p 0"], effects.Journal.Where(l => l.StartsWith("cursor", StringComparison.Ordinal)));
        Assert.Equal("ip link delete dev xenbr5", effects.Journal[^1]);
    }

    [Fact]
    public void A_refused_plan_changes_nothing()
    {
        var facts = AttachFixture.Facts(AttachFixture.Host()) with { Settings = AttachFixture.Settings with { Mac = null } };
        var plan = Core.Plan.AttachPlanner.Plan(AttachFixture.Config, AttachFixture.Request, facts);
        var effects = new RecordingEffects();
        var e = Assert.Throws<HotplugException>(() => Executor(effects, Deadline.None).Execute(AttachFixture.Request, plan));
        Assert.Equal(plan.Refusal, e.Message);
        Assert.Empty(effects.Journal);
    }

    private static AttachExecutor Executor(RecordingEffects effects, Deadline deadline) => new(effects, deadline, Logger.None);
}
