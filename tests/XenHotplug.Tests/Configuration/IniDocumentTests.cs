using XenHotplug.Core.Configuration;
using XenHotplug.Core.Failures;

namespace XenHotplug.Tests.Configuration;

public class IniDocumentTests
{
    [Fact]
    public void Strips_inline_comments_but_keeps_semicolons_inside_values()
    {
        var doc = IniDocument.Parse("f", "[a]  ; section note\nk = v;w   ; note\nj = x # note\n; whole line\n# also\n");
        Assert.Equal([new("a:k", "v;w"), new("a:j", "x")], doc.Values);
        Assert.Equal("f:2", doc.Where("a", "k"));
        Assert.Equal("f:1", doc.Where("a"));
        Assert.Equal(["a"], doc.Sections);
    }

    [Fact]
    public void Double_quoted_values_lose_their_quotes()
    {
        var doc = IniDocument.Parse("f", "[a]\nk = \"v w\"\n");
        Assert.Equal([new("a:k", "v w")], doc.Values);
    }

    [Fact]
    public void Line_numbers_count_every_line_including_CRLF()
    {
        var e = Assert.Throws<ConfigException>(() => IniDocument.Parse("f", "[a]\r\n\r\n; c\r\nbad line\r\n"));
        Assert.StartsWith("f:4:", e.Message, StringComparison.Ordinal);
    }
}
