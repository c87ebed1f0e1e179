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
    public void Rule_is_an_acknowledged_append_in_the_bridge_family_with_nfts_comment_userdata()
    {
        var guard = VifGuard.Create(AntispoofMode.Mac, "vif1.0", "00:16:3e:00:01:00", null, "backend/vif/1/0");
        var bytes = NftablesClient.Encode(new NftAddRule("vif_vif1_2e0", AntispoofRules.Rules(guard)[3])).Finish(7);
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
    public void Table_is_added_with_no_flags_so_a_dormant_table_is_woken()
    {
        var bytes = NftablesClient.Encode(new NftAddTable()).Finish(1);
        var attributes = Attributes(bytes.AsSpan(20));
        Assert.Equal([0, 0, 0, 0], attributes.Single(a => a.Type == 2).Value); // NFTA_TABLE_FLAGS = 0: not NFT_TABLE_F_DORMANT
    }

    [Fact]
    public void Address_set_is_an_interval_set_and_its_ends_are_flagged()
    {
        var set = Attributes(NftablesClient.Encode(new NftAddAddressSet("s", V6: true)).Finish(1).AsSpan(20));
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32BigEndian(set.Single(a => a.Type == 3).Value)); // NFT_SET_INTERVAL
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32BigEndian(set.Single(a => a.Type == 4).Value)); // ipv6_addr
        Assert.Equal(16u, BinaryPrimitives.ReadUInt32BigEndian(set.Single(a => a.Type == 5).Value));
        var elements = Attributes(Attributes(NftablesClient.Encode(new NftAddSetElements("s", AddressIntervals.Elements(["192.0.2.1"], 4), ["192.0.2.1"])).Finish(1).AsSpan(20))
            .Single(a => a.Type == 3).Value).Select(e => Attributes(e.Value)).ToList();
        Assert.Equal(3, elements.Count);
        Assert.Equal([192, 0, 2, 1], Attributes(elements[1].Single(a => a.Type == 1).Value).Single().Value);
        Assert.DoesNotContain(elements[1], a => a.Type == 3);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(elements[2].Single(a => a.Type == 3).Value)); // NFT_SET_ELEM_INTERVAL_END
    }

    [Fact]
    public void An_ip_list_filling_xenstores_value_is_sent_in_messages_whose_element_lists_fit_an_attribute()
    {
        // 4095 bytes of the shortest IPv6 entries: the most elements an ip= can make.
        var entries = new List<string>();
        for (var i = 1; string.Join(' ', entries).Length + 6 <= 4095; i += 2) entries.Add($"{i:x}::"); // odd: never adjacent, never merged
        var ip = string.Join(' ', entries);
        Assert.InRange(entries.Count, 700, 1000);
        var guard = VifGuard.Create(AntispoofMode.Ip, "vif1.0", "00:16:3e:00:01:00", ip, "backend/vif/1/0");
        var messages = AntispoofRules.Install(guard).OfType<NftAddSetElements>().ToList();
        Assert.True(messages.Count > 1);
        Assert.Equal(AntispoofRules.Sets(guard).Single().Elements.Count, messages.Sum(m => m.Elements.Count));
        foreach (var m in messages)
        {
            var bytes = NftablesClient.Encode(m).Finish(1);
            Assert.True(Attributes(bytes.AsSpan(20)).Single(a => a.Type == 3).Value.Length < 65535 - 4);
        }
    }

    [Fact]
    public void Inverted_lookup_carries_the_invert_flag()
    {
        var guard = VifGuard.Create(AntispoofMode.Ip, "vif1.0", "00:16:3e:00:01:00", "192.0.2.1", "backend/vif/1/0");
        var rule = AntispoofRules.Rules(guard).Single(r => r.Comment == "IPv4 source");
        var attributes = Attributes(NftablesClient.Encode(new NftAddRule("c", rule)).Finish(1).AsSpan(20));
        var lookup = Attributes(attributes.Single(a => a.Type == 4).Value).Select(e => Attributes(e.Value))
            .Single(e => Encoding.ASCII.GetString(e.Single(a => a.Type == 1).Value) == "lookup\0");
        var data = Attributes(lookup.Single(a => a.Type == 2).Value);
        Assert.Equal("vif_vif1_2e0_v4\0", Encoding.ASCII.GetString(data.Single(a => a.Type == 1).Value));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(data.Single(a => a.Type == 5).Value)); // NFT_LOOKUP_F_INV
    }

    [Fact]
    public void Element_key_is_the_name_padded_to_IFNAMSIZ_and_its_data_a_jump()
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
