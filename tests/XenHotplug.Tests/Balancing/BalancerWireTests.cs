using System.Buffers.Binary;
using System.Text;
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
    public void Link_events_name_the_links_that_changed()
    {
        static byte[] Message(ushort type, string name)
        {
            var attr = Encoding.ASCII.GetBytes(name + "\0");
            var attrLength = 4 + attr.Length;
            var length = 16 + 16 + ((attrLength + 3) & ~3);
            var m = new byte[length];
            BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)length);
            BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(4), type);
            BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(32), (ushort)attrLength);
            BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(34), 3); // IFLA_IFNAME
            attr.CopyTo(m, 36);
            return m;
        }
        var batch = Message(16, "eth0").Concat(Message(17, "vif3.0")).Concat(Message(20, "addr")).ToArray();
        var changed = new HashSet<string>();
        LinkEvents.Parse(batch, changed);
        Assert.Equal(new HashSet<string> { "eth0", "vif3.0" }, changed);
        LinkEvents.Parse(batch.AsSpan(0, 20), changed); // truncated: ignored, no exception
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
