using XenHotplug.Configuration;

namespace XenHotplug.Tests.Configuration;

public class IniDocumentTests
{
    [Fact]
    public void StripsInlineCommentsButKeepsSemicolonsInsideValues()
    {
        var doc = IniDocument.Parse("f", "[a]  ; section note\nk = v;w   ; note\nj = x # note\n; whole line\n# also\n");
        Assert.Contains("[a]\n", doc.NormalizedText, StringComparison.Ordinal);
        Assert.Contains("k = v;w\n", doc.NormalizedText, StringComparison.Ordinal);
        Assert.Contains("j = x\n", doc.NormalizedText, StringComparison.Ordinal);
        Assert.Equal("f:2", doc.Where("a", "k"));
        Assert.Equal("f:1", doc.Where("a"));
        Assert.Equal(["a"], doc.Sections);
    }

    [Fact]
    public void LineNumbersCountEveryLineIncludingCrLf()
    {
        var e = Assert.Throws<ConfigException>(() => IniDocument.Parse("f", "[a]\r\n\r\n; c\r\nbad line\r\n"));
        Assert.StartsWith("f:4:", e.Message, StringComparison.Ordinal);
    }
}
