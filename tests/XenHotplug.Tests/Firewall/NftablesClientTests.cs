using System.Buffers.Binary;
using System.Text;
using XenHotplug.Core.Configuration;
using XenHotplug.Core.Firewall;
using XenHotplug.Host.Firewall;

namespace XenHotplug.Tests.Firewall;

/// <summary>The nf_tables messages of a guard's operations, read back attribute by attribute.</summary>
public class NftablesClientTests
{
    private static List<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> data)
    {
        var result = new List<(ushort, byte[])>();
        for (var at = 0; at + 4 <= data.Length;)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data[at..]);
            result.Add(((ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 2)..]) & 0x3fff), data.Slice(at + 4, length - 4).ToArray()));
            at += (length + 3) & ~3;
        }
        return result;
    }

    [Fact]
    public void RuleIsAnAcknowledgedAppendInTheBridgeFamilyWithNftsCommentUserdata()
    {
        var guard = VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01:00", null, "backend/vif/1/0");
        var bytes = NftablesClient.Encode(new NftAddRule("vif_vif1_2e0", AntispoofRules.Rules(guard)[0])).Finish(7);
        Assert.Equal((10 << 8) | 6, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4))); // NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWRULE
        Assert.Equal(0x1 | 0x4 | 0x400 | 0x800, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6))); // REQUEST|ACK|CREATE|APPEND
        Assert.Equal(7, bytes[16]); // NFPROTO_BRIDGE
        var attributes = Attributes(bytes.AsSpan(20));
        Assert.Equal("xen_multibridge\0", Encoding.ASCII.GetString(attributes.Single(a => a.Type == 1).Value));
        Assert.Equal("vif_vif1_2e0\0", Encoding.ASCII.GetString(attributes.Single(a => a.Type == 2).Value));
        Assert.Equal([0, 11, .. "source MAC\0"u8.ToArray()], attributes.Single(a => a.Type == 7).Value);
        var names = Attributes(attributes.Single(a => a.Type == 4).Value)
            .Select(e => Encoding.ASCII.GetString(Attributes(e.Value).Single(a => a.Type == 1).Value).TrimEnd('\0'));
        Assert.Equal(["payload", "cmp", "counter", "immediate"], names);
    }

    [Fact]
    public void ElementKeyIsTheNamePaddedToIfnamsizAndItsDataAJump()
    {
        var bytes = NftablesClient.Encode(new NftAddJumpElement("guarded", "vif1.0", "vif_vif1_2e0")).Finish(1);
        var elements = Attributes(Attributes(bytes.AsSpan(20)).Single(a => a.Type == 3).Value);
        var element = Attributes(elements.Single().Value);
        var key = Attributes(element.Single(a => a.Type == 1).Value).Single();
        Assert.Equal([.. "vif1.0"u8.ToArray(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], key.Value);
        var verdict = Attributes(Attributes(element.Single(a => a.Type == 2).Value).Single().Value);
        Assert.Equal(unchecked((uint)-3), BinaryPrimitives.ReadUInt32BigEndian(verdict.Single(a => a.Type == 1).Value)); // NFT_JUMP
        Assert.Equal("vif_vif1_2e0\0", Encoding.ASCII.GetString(verdict.Single(a => a.Type == 2).Value));
    }
}
