using System.Buffers.Binary;
using XenHotplug.Host.Netlink;

namespace XenHotplug.Tests.Netlink;

public class NetlinkAttributesTests
{
    private static List<(ushort Type, bool Nested, byte[] Value)> Read(ReadOnlySpan<byte> payload)
    {
        var result = new List<(ushort, bool, byte[])>();
        foreach (var attribute in new NetlinkAttributes(payload)) result.Add((attribute.Type, attribute.FlaggedNested, attribute.Value.ToArray()));
        return result;
    }

    [Fact]
    public void What_the_writer_writes_the_reader_reads_back_in_order()
    {
        var writer = new NetlinkAttributeWriter();
        writer.Attribute(3, "vif3.0");
        writer.AttributeU32(4, 1500);
        writer.AttributeBigEndian(5, 0x01020304);
        writer.Attribute(6, [0xaa]);
        writer.Attribute(7, []);
        var attributes = Read(writer.ToArray());
        Assert.Equal([3, 4, 5, 6, 7], attributes.Select(a => (int)a.Type));
        Assert.Equal("vif3.0\0"u8.ToArray(), attributes[0].Value);
        Assert.Equal(1500u, BinaryPrimitives.ReadUInt32LittleEndian(attributes[1].Value));
        Assert.Equal([1, 2, 3, 4], attributes[2].Value);
        Assert.Equal([0xaa], attributes[3].Value);
        Assert.Empty(attributes[4].Value);
    }

    [Fact]
    public void Every_attribute_is_padded_to_four_bytes_and_its_length_excludes_the_padding()
    {
        var writer = new NetlinkAttributeWriter();
        writer.Attribute(1, [1, 2, 3, 4, 5]);
        writer.Attribute(2, [9]);
        var bytes = writer.ToArray();
        Assert.Equal(12 + 8, bytes.Length);
        Assert.Equal(9, BinaryPrimitives.ReadUInt16LittleEndian(bytes)); // 4 + 5, not 12
        Assert.Equal([0, 0, 0], bytes[9..12]);
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(12)));
    }

    [Fact]
    public void Nested_attributes_round_trip_with_the_nested_flag_and_their_length_covers_the_content()
    {
        var writer = new NetlinkAttributeWriter();
        var outer = writer.BeginNested(4);
        writer.AttributeBigEndian(1, 7);
        var inner = writer.BeginNested(2);
        writer.Attribute(1, "drop");
        writer.EndNested(inner);
        writer.EndNested(outer);
        writer.Attribute(9, "after");
        var bytes = writer.ToArray();
        Assert.Equal(0x8004, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)));

        var names = new List<string>();
        var hook = 0u;
        foreach (var attribute in new NetlinkAttributes(bytes))
        {
            if (attribute.Type == 9) names.Add(attribute.Text);
            if (attribute.Type != 4) continue;
            Assert.True(attribute.FlaggedNested);
            foreach (var field in attribute.Nested)
            {
                if (field.Type == 1) hook = field.BigEndianU32;
                if (field.Type != 2) continue;
                foreach (var deeper in field.Nested) names.Add(deeper.Text);
            }
        }
        Assert.Equal(7u, hook);
        Assert.Equal(["drop", "after"], names);
    }

    [Fact]
    public void A_nest_written_without_the_flag_reads_the_same()
    {
        var writer = new NetlinkAttributeWriter();
        var spec = writer.BeginNested(26, flagNested: false);
        writer.Attribute(2, [1, 0, 10, 0]);
        writer.EndNested(spec);
        var bytes = writer.ToArray();
        Assert.Equal(26, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)));
        Assert.Equal(12, BinaryPrimitives.ReadUInt16LittleEndian(bytes));
        Assert.True(NetlinkAttributes.TryFind(bytes, 26, out var found));
        Assert.False(found.FlaggedNested);
        Assert.True(NetlinkAttributes.TryFind(found.Value, 2, out var vlan));
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(vlan.Value[2..]));
    }

    [Fact]
    public void The_type_is_read_without_the_nested_and_byte_order_bits()
    {
        byte[] bytes = [8, 0, 0x05, 0xc0, 1, 2, 3, 4];
        Assert.Equal((ushort)5, Read(bytes).Single().Type);
    }

    [Fact]
    public void An_empty_payload_or_padding_shorter_than_a_header_holds_no_attribute()
    {
        Assert.Empty(Read([]));
        Assert.Empty(Read([0, 0, 0]));
        var writer = new NetlinkAttributeWriter();
        writer.Attribute(1, [1]);
        Assert.Single(Read([.. writer.ToArray().AsSpan(0, 5)])); // the last attribute's padding cut off
    }

    [Fact]
    public void A_string_ends_at_its_first_nul_and_may_lack_one()
    {
        byte[] withNul = [11, 0, 1, 0, (byte)'e', (byte)'t', (byte)'h', 0, (byte)'x', 0, 0, 0];
        Assert.Equal("eth", new NetlinkAttributeReaderProbe(withNul).Text);
        byte[] withoutNul = [7, 0, 1, 0, (byte)'a', (byte)'b', (byte)'c', 0];
        Assert.Equal("abc", new NetlinkAttributeReaderProbe(withoutNul).Text);
    }

    [Theory]
    [InlineData(new byte[] { 3, 0, 1, 0 })] // length below the header's
    [InlineData(new byte[] { 0, 0, 1, 0, 0, 0, 0, 0 })] // length 0: would loop for ever
    [InlineData(new byte[] { 9, 0, 1, 0, 1, 2, 3, 4 })] // past the end
    [InlineData(new byte[] { 0xff, 0xff, 1, 0, 1, 2, 3, 4 })] // far past the end
    [InlineData(new byte[] { 8, 0, 1, 0, 1, 2, 3, 4, 200, 0, 2, 0 })] // the second one past the end
    public void A_malformed_attribute_is_a_netlink_exception(byte[] payload)
    {
        var e = Assert.Throws<NetlinkException>(() => Read(payload));
        Assert.StartsWith("malformed netlink attribute", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_attribute_inside_a_nest_is_a_netlink_exception()
    {
        byte[] payload = [12, 0, 4, 0x80, 9, 0, 1, 0, 1, 2, 3, 4]; // the inner one claims 9 bytes of 8
        Assert.Throws<NetlinkException>(() =>
        {
            foreach (var outer in new NetlinkAttributes(payload))
            {
                foreach (var inner in outer.Nested) _ = inner.Type;
            }
        });
    }

    [Fact]
    public void A_value_too_short_for_its_type_is_a_netlink_exception()
    {
        byte[] payload = [6, 0, 1, 0, 1, 2, 0, 0];
        Assert.True(NetlinkAttributes.TryFind(payload, 1, out var attribute));
        Assert.Equal((ushort)0x0201, attribute.U16);
        var value = attribute.Value.ToArray();
        Assert.Throws<NetlinkException>(() => new NetlinkAttribute(1, false, value).U32);
        Assert.Throws<NetlinkException>(() => new NetlinkAttribute(1, false, value).BigEndianU32);
    }

    [Fact]
    public void Random_bytes_give_attributes_or_a_netlink_exception_and_nothing_else()
    {
        var random = new Random(17);
        for (var i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length >= 2 && random.Next(2) == 0) bytes[1] = 0; // short lengths, so that some parse
            try
            {
                foreach (var attribute in new NetlinkAttributes(bytes))
                {
                    foreach (var inner in attribute.Nested) _ = inner.Text;
                }
            }
            catch (NetlinkException)
            {
                // the one failure allowed
            }
        }
    }

    [Fact]
    public void An_attribute_longer_than_its_sixteen_bit_length_is_refused_when_written()
    {
        var writer = new NetlinkAttributeWriter();
        Assert.Throws<NetlinkException>(() => writer.Attribute(1, new byte[65532]));
    }

    /// <summary>Reads the first attribute's text (a ref struct cannot be captured by a lambda).</summary>
    private readonly struct NetlinkAttributeReaderProbe(byte[] payload)
    {
        public string Text => NetlinkAttributes.TryFind(payload, 1, out var a) ? a.Text : "";
    }
}
