using System.Diagnostics;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Tests.Vlan;

public class VlanSyntaxTests
{
    [Theory]
    [InlineData("10", "10p")]
    [InlineData("10u", "10p")]
    [InlineData("10p", "10p")]
    [InlineData("10p/20", "10p/20")]
    [InlineData("10p/100+10x4", "10p/100/110/120/130/140")]
    [InlineData("1p/10-15/20-25u", "1p/10-15/20-25u")]
    [InlineData("20/10p", "10p/20")]
    [InlineData("1p/4094", "1p/4094")]
    [InlineData("5p/6-6", "5p/6")]
    [InlineData("5p/7+3x0", "5p/7")]
    [InlineData("5p/7+0x0", "5p/7")]
    [InlineData("5p/6-8u/9-10", "5p/6-8u/9-10")]
    [InlineData("4000p/1+4093x1", "1/4000p/4094")]
    [InlineData("010p/020", "10p/20")]
    [InlineData("11p/10/12", "10/11p/12")]
    public void Valid_values_parse_to_their_canonical_form(string text, string canonical)
    {
        var set = VlanSyntax.TryParse(text, out var error);
        Assert.Null(error);
        Assert.NotNull(set);
        Assert.Equal(canonical, set.ToString());
        Assert.Equal(set, VlanSyntax.TryParse(set.ToString(), out _));
    }

    [Fact]
    public void The_man_page_example_with_a_step_gives_the_base_and_count_more_ids()
    {
        var set = VlanSyntax.TryParse("10p/100+10x4", out _)!;
        Assert.Equal([10, 100, 110, 120, 130, 140], set.Vids.Select(v => (int)v));
        Assert.Equal((ushort)10, set.Pvid);
        Assert.All(set.Members.Where(m => m.Vid != 10), m => Assert.False(m.Untagged || m.Pvid));
    }

    [Fact]
    public void Flags_are_pvid_untagged_and_tagged_as_written()
    {
        var set = VlanSyntax.TryParse("1p/10-11/20-21u", out _)!;
        Assert.Equal(
            [new VlanMember(1, true, true), new(10, false, false), new(11, false, false), new(20, false, true), new(21, false, true)],
            set.Members);
        Assert.True(set.Contains(20));
        Assert.False(set.Contains(12));
    }

    [Fact]
    public void A_lone_id_is_the_pvid_and_untagged()
    {
        Assert.Equal([new VlanMember(10, true, true)], VlanSyntax.TryParse("10", out _)!.Members);
    }

    [Fact]
    public void Equal_sets_are_equal_however_written()
    {
        var a = VlanSyntax.TryParse("10p/20-22", out _);
        var b = VlanSyntax.TryParse("21/10p/22/20", out _);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a!.GetHashCode(), b!.GetHashCode());
        Assert.NotEqual(a, VlanSyntax.TryParse("10p/20-22u", out _));
    }

    [Theory]
    [InlineData("", "vlan: the value is empty")]
    [InlineData("0", "vlan: term '0': a VLAN id is 1-4094")]
    [InlineData("4095", "vlan: term '4095': a VLAN id is 1-4094")]
    [InlineData("10p/0-5", "vlan: term '0-5': a VLAN id is 1-4094")]
    [InlineData("10p/4090-4095", "vlan: term '4090-4095': a VLAN id is 1-4094")]
    [InlineData("10p/20p", "vlan: term '20p': only one VLAN id can be the PVID (10 already is)")]
    [InlineData("10p/10-5", "vlan: term '10-5': a range A-B needs A <= B")]
    [InlineData("10-5", "vlan: term '10-5': a range A-B needs A <= B")]
    [InlineData("10-15p", "vlan: term '10-15p': only a single VLAN id can be the PVID (p); a range takes only u")]
    [InlineData("100+10x4p", "vlan: term '100+10x4p': only a single VLAN id can be the PVID (p); B+IxC takes only u")]
    [InlineData("10/20", "vlan: no PVID in '10/20'")]
    [InlineData("10-15", "vlan: no PVID in '10-15'")]
    [InlineData("100+10x4", "vlan: no PVID in '100+10x4'")]
    [InlineData("10p/10", "vlan: term '10': VLAN id 10 appears twice")]
    [InlineData("10p/5-15", "vlan: term '5-15': VLAN id 10 appears twice")]
    [InlineData("1p/1+0x3", "vlan: term '1+0x3': step 0 repeats VLAN id 1")]
    [InlineData("1p/2+0x3", "vlan: term '2+0x3': step 0 repeats VLAN id 2")]
    [InlineData("1p/4000+100x2", "vlan: term '4000+100x2': it reaches VLAN id 4100; a VLAN id is 1-4094")]
    [InlineData("1p/2+1x999999999", "vlan: term '2+1x999999999': it reaches VLAN id 4095")]
    [InlineData("1p/2+999999999999x1", "vlan: term '2+999999999999x1': it reaches VLAN id > 999999")]
    [InlineData("99999999999999999999", "vlan: term '99999999999999999999': a VLAN id is 1-4094")]
    [InlineData("2147483648", "vlan: term '2147483648': a VLAN id is 1-4094")]
    [InlineData("1p/+0x5", "vlan: term '+0x5': expected N, A-B or B+IxC")]
    [InlineData("10//20", "vlan: empty term in '10//20'")]
    [InlineData("10/", "vlan: empty term in '10/'")]
    [InlineData("/10", "vlan: empty term in '/10'")]
    [InlineData("10P", "vlan: term '10P': expected")]
    [InlineData("10U", "vlan: term '10U': expected")]
    [InlineData("10pu", "vlan: term '10pu': expected")]
    [InlineData("10up", "vlan: term '10up': expected")]
    [InlineData("-5", "vlan: term '-5': expected")]
    [InlineData("10p/-5", "vlan: term '-5': expected")]
    [InlineData(" 10", "vlan: term ' 10': expected")]
    [InlineData("10 ", "vlan: term '10 ': expected")]
    [InlineData("10p/ 20", "vlan: term ' 20': expected")]
    [InlineData("10p,20", "vlan: term '10p,20': expected")]
    [InlineData("\u0661\u0660", "vlan: term '\u0661\u0660': expected")]
    [InlineData("\uff11\uff10", "vlan: term '\uff11\uff10': expected")]
    [InlineData("abc", "vlan: term 'abc': expected")]
    [InlineData("p", "vlan: term 'p': expected")]
    [InlineData("u", "vlan: term 'u': expected")]
    [InlineData("10-", "vlan: term '10-': expected")]
    [InlineData("10-20-30", "vlan: term '10-20-30': expected")]
    [InlineData("10p/1+2", "vlan: term '1+2': expected")]
    [InlineData("10p/1+2x", "vlan: term '1+2x': expected")]
    [InlineData("10p/1+x3", "vlan: term '1+x3': expected")]
    [InlineData("10p/1+2X3", "vlan: term '1+2X3': expected")]
    [InlineData("10p/1+2x3x4", "vlan: term '1+2x3x4': expected")]
    [InlineData("0x10", "vlan: term '0x10': expected")]
    [InlineData("10\n", "vlan: term '10?': expected")]
    [InlineData("1e3", "vlan: term '1e3': expected")]
    public void Malformed_values_are_refused_naming_the_key_the_term_and_the_rule(string text, string start)
    {
        Assert.Null(VlanSyntax.TryParse(text, out var error));
        Assert.NotNull(error);
        Assert.StartsWith(start, error);
        Assert.DoesNotContain('\n', error);
        Assert.True(error.Length < 200, error);
    }

    [Fact]
    public void A_huge_count_is_refused_without_listing_the_ids()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        Assert.Null(VlanSyntax.TryParse("1p/2+1x999999999", out var error));
        Assert.NotNull(error);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
        Assert.True(watch.ElapsedMilliseconds < 1000);
    }

    [Fact]
    public void Very_long_values_are_refused_in_one_short_line()
    {
        Assert.StartsWith("vlan: the value is 100000 characters long", Error(new string('1', 100000)));
        Assert.StartsWith("vlan: term '1111111111", Error(new string('1', 30000)));
        var many = "1p/" + string.Join('/', Enumerable.Range(2, 5000));
        Assert.StartsWith("vlan: term '4095': a VLAN id is 1-4094", Error(many));
        var junk = "1p/" + new string('x', 20000);
        var e = Error(junk);
        Assert.True(e.Length < 200, e);
        Assert.Contains("...", e);
    }

    [Fact]
    public void Every_id_written_one_by_one_is_accepted()
    {
        var all = "1p/" + string.Join('/', Enumerable.Range(2, 4093));
        var set = VlanSyntax.TryParse(all, out var error);
        Assert.Null(error);
        Assert.Equal(4094, set!.Members.Count);
        Assert.Equal("1p/2-4094", set.ToString());
    }

    private static string Error(string text)
    {
        Assert.Null(VlanSyntax.TryParse(text, out var error));
        return error!;
    }
}
