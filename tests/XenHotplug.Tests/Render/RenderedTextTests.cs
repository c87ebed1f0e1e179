using XenHotplug.Core.Failures;
using XenHotplug.Core.Render;

namespace XenHotplug.Tests.Render;

public class RenderedTextTests
{
    private static BridgeAddressing Bridge(string bridge = "xenbr0", string? uplink = "enp3s0", string note = "addressing of enp3s0 now",
        IReadOnlyList<string>? addresses = null) =>
        new(bridge, uplink, "52:54:00:12:34:56", 1500, false, addresses ?? ["192.0.2.10/24"], ["2001:db8::10/64"],
            [new RenderedRoute(false, "default", "192.0.2.1", null), new RenderedRoute(true, "2001:db8:1::/48", "2001:db8::1", 10)], note);

    private static readonly RenderFormat[] Formats = [RenderFormat.Networkd, RenderFormat.Ifupdown, RenderFormat.Nm];

    /// <summary>Every line of every file that is not a comment.</summary>
    private static string[] Content(RenderFormat format, BridgeAddressing b, string header) =>
        [.. BridgeRenderer.Render(format, b, header).SelectMany(f => f.Text.Split('\n')).Where(l => !l.StartsWith('#'))];

    [Theory]
    [InlineData("*")]
    [InlineData("xenbr?")]
    [InlineData("br[01]")]
    [InlineData("!xenbr0")]
    [InlineData("br\\x")]
    public void Networkd_refuses_a_bridge_name_it_would_read_as_a_pattern(string name)
    {
        var e = Assert.Throws<BridgeException>(() => BridgeRenderer.Render(RenderFormat.Networkd, Bridge(bridge: name), "h"));
        Assert.Contains($"cannot render bridge {name} as systemd-networkd configuration", e.Message, StringComparison.Ordinal);
        Assert.Contains("[Match] Name=", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("e*")]
    [InlineData("!enp3s0")]
    public void Networkd_refuses_an_uplink_name_it_would_read_as_a_pattern(string nic)
    {
        var e = Assert.Throws<BridgeException>(() => BridgeRenderer.Render(RenderFormat.Networkd, Bridge(uplink: nic), "h"));
        Assert.Contains($"cannot render xenbr0's uplink {nic}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("br=x")]
    [InlineData("br#1")]
    [InlineData("br\\1")]
    public void Ifupdown_refuses_names_it_does_not_read_literally(string name)
    {
        Assert.Throws<BridgeException>(() => BridgeRenderer.Render(RenderFormat.Ifupdown, Bridge(bridge: name), "h"));
        Assert.Throws<BridgeException>(() => BridgeRenderer.Render(RenderFormat.Ifupdown, Bridge(uplink: name), "h"));
    }

    [Fact]
    public void Nm_writes_a_backslash_in_a_name_escaped_as_glib_reads_it()
    {
        var files = BridgeRenderer.Render(RenderFormat.Nm, Bridge(bridge: "br\\s1", uplink: "e\\x"), "h");
        Assert.Contains("\ninterface-name=br\\\\s1\n", files[0].Text, StringComparison.Ordinal);
        Assert.Contains("\nid=br\\\\s1\n", files[0].Text, StringComparison.Ordinal);
        Assert.Contains("\ninterface-name=e\\\\x\nmaster=br\\\\s1\n", files[1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/etc/xen/x\n[Match]\nName=*\nAddress=10.9.9.9/8")]
    [InlineData("/etc/xen/x\r\nauto eth0\riface eth0 inet dhcp")]
    [InlineData("/etc/xen/x\u0085[ipv4]\u2028method=auto")]
    public void A_header_with_line_breaks_stays_one_comment_line_in_every_format(string configPath)
    {
        foreach (var format in Formats)
        {
            Assert.Equal(Content(format, Bridge(), "h"), Content(format, Bridge(), $"[bridge:xenbr0] of {configPath}"));
            Assert.Equal(Content(format, Bridge(), "h"), Content(format, Bridge(note: configPath), "h"));
        }
    }

    [Fact]
    public void A_value_with_a_line_break_is_refused_in_every_format()
    {
        foreach (var format in Formats)
        {
            var e = Assert.Throws<BridgeException>(() => BridgeRenderer.Render(format, Bridge(addresses: ["192.0.2.10/24\nName=*"]), "h"));
            Assert.Contains("its address '192.0.2.10/24\\x0aName=*' contains white space or a control character", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Ordinary_names_render_in_every_format()
    {
        foreach (var format in Formats)
            Assert.NotEmpty(BridgeRenderer.Render(format, Bridge(bridge: "xenbr0.100", uplink: "bond0.100"), "h"));
        Assert.Null(RenderedText.NameProblem(RenderFormat.Networkd, "br!x"));
    }
}
