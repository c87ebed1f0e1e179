using System.Buffers.Binary;
using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Failures;
using XenHotplug.Host.Balancing;

namespace XenHotplug.Tests.Balancing;

public class BalancerWireTests
{
    [Fact]
    public void The_announce_frame_is_a_broadcast_rarp_from_the_guest_mac()
    {
        var mac = MacAnnouncer.ParseMac("00:16:3e:01:02:0a")!;
        var frame = MacAnnouncer.Frame(mac);
        Assert.Equal(60, frame.Length);
        Assert.Equal(Enumerable.Repeat((byte)0xff, 6), frame[..6]);
        Assert.Equal(mac, frame[6..12]);
        Assert.Equal(0x8035, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(20))); // request reverse
        Assert.Equal(mac, frame[22..28]);
        Assert.Equal(mac, frame[32..38]);
        Assert.Null(MacAnnouncer.ParseMac("00:16:3e:01:02"));
        Assert.Null(MacAnnouncer.ParseMac("00:16:3e:01:02:zz"));
    }

    [Fact]
    public void Balance_and_watch_parse()
    {
        var b = NetworkArguments.Parse(["balance", "--dry-run"]);
        Assert.Equal((NetworkCommand.Balance, true), (b.Command, b.DryRun));
        Assert.Equal(NetworkCommand.Watch, NetworkArguments.Parse(["-v", "watch"]).Command);
        Assert.Contains("--dry-run does not apply to watch", Assert.Throws<UsageException>(() => NetworkArguments.Parse(["watch", "-n"])).Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => NetworkArguments.Parse(["balance", "--json"]));
    }

    [Theory]
    [InlineData("vif3.0", null, 3, 0, false)]
    [InlineData("vif12.1-emu", null, 12, 1, true)]
    [InlineData("web0", "xen-vif-7.2", 7, 2, false)]
    public void Vif_identity_from_name_or_alias(string port, string? alias, int domain, int device, bool emulated)
    {
        Assert.Equal((domain, device, emulated), BalanceSurvey.Identity(port, alias));
        Assert.Null(BalanceSurvey.Identity("eth0", null));
    }
}
