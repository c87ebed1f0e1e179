namespace XenHotplug.Core.Vlan;

/// <summary>
/// Xen's per-vif vlan= grammar (xl-network-configuration(5), Xen 4.19+): terms joined by '/'; a term is N,
/// A-B (A &lt;= B) or B+IxC (B and C more ids, step I), ids 1-4094, ASCII digits. A single id may end in 'p'
/// (the PVID, also untagged) or 'u' (untagged); a range or a stepped term only in 'u', as Xen's man page says.
/// Exactly one PVID, except that a lone single id is the PVID. Duplicates are refused. Every refusal is one
/// line naming the key, the term and the rule. Work is bounded by the text's length, never by a count in it.
/// </summary>
public static class VlanSyntax
{
    /// <summary>The backend key libxl writes.</summary>
    public const string Key = "vlan";

    /// <summary>Longer than any useful value (4094 ids written one by one) — refused before anything is parsed.</summary>
    public const int MaxLength = 32768;

    private const string Forms = "expected N, A-B or B+IxC (N 1-4094), optionally followed by p or u";

    /// <summary>The VLANs <paramref name="text"/> describes, or null and the refusal.</summary>
    public static VlanSet? TryParse(string text, out string? error)
    {
        error = null;
        if (text.Length == 0) return Refuse(out error, $"{Key}: the value is empty ({Forms}; e.g. 10 or 10p/20)");
        if (text.Length > MaxLength) return Refuse(out error, $"{Key}: the value is {text.Length} characters long, at most {MaxLength}");
        var members = new List<VlanMember>();
        var seen = new bool[VlanMember.MaxVid + 1];
        var terms = text.Split('/');
        ushort? pvid = null;
        var singles = 0;
        foreach (var term in terms)
        {
            if (term.Length == 0) return Refuse(out error, $"{Key}: empty term in '{Q(text)}' (terms are joined by one '/')");
            var t = Term(term, out var problem);
            if (t is not { } parsed) return Refuse(out error, $"{Key}: term '{Q(term)}': {problem}");
            if (parsed.Single) singles++;
            if (parsed.Pvid)
            {
                if (pvid is { } already) return Refuse(out error, $"{Key}: term '{Q(term)}': only one VLAN id can be the PVID ({already} already is)");
                pvid = (ushort)parsed.First;
            }
            for (var k = 0; k <= parsed.Count; k++)
            {
                var vid = parsed.First + (k * parsed.Step);
                if (seen[vid]) return Refuse(out error, $"{Key}: term '{Q(term)}': VLAN id {vid} appears twice");
                seen[vid] = true;
                members.Add(new VlanMember((ushort)vid, parsed.Pvid, parsed.Pvid || parsed.Untagged));
            }
        }
        if (pvid is null)
        {
            if (terms.Length == 1 && singles == 1) members[0] = members[0] with { Pvid = true, Untagged = true };
            else return Refuse(out error, $"{Key}: no PVID in '{Q(text)}': mark exactly one single VLAN id with p (e.g. 10p/20)");
        }
        var set = VlanSet.Create(members, out var invalid);
        return set ?? Refuse(out error, $"{Key}: {invalid}");
    }

    /// <summary>One term: ids First, First+Step, ... First+Count*Step, all proven 1-4094 before any is listed.</summary>
    private readonly record struct Parsed(int First, int Step, int Count, bool Pvid, bool Untagged, bool Single);

    private static Parsed? Term(string term, out string? problem)
    {
        problem = null;
        var end = term.Length;
        bool pvid = false, untagged = false;
        if (term[end - 1] == 'p') pvid = true;
        else if (term[end - 1] == 'u') untagged = true;
        if (pvid || untagged) end--;
        var body = term.AsSpan(0, end);
        var i = 0;
        if (Number(body, ref i) is not { } first) return Junk(out problem);
        if (i == body.Length)
        {
            if (first is < VlanMember.MinVid or > VlanMember.MaxVid) return Range(out problem);
            return new Parsed((int)first, 0, 0, pvid, untagged, Single: true);
        }
        if (body[i] == '-')
        {
            i++;
            if (Number(body, ref i) is not { } last || i != body.Length) return Junk(out problem);
            if (first is < VlanMember.MinVid or > VlanMember.MaxVid || last is < VlanMember.MinVid or > VlanMember.MaxVid) return Range(out problem);
            if (first > last) return Fail(out problem, "a range A-B needs A <= B");
            if (pvid) return Fail(out problem, "only a single VLAN id can be the PVID (p); a range takes only u");
            return new Parsed((int)first, 1, (int)(last - first), false, untagged, Single: false);
        }
        if (body[i] == '+')
        {
            i++;
            if (Number(body, ref i) is not { } step || i >= body.Length || body[i] != 'x') return Junk(out problem);
            i++;
            if (Number(body, ref i) is not { } count || i != body.Length) return Junk(out problem);
            if (first is < VlanMember.MinVid or > VlanMember.MaxVid) return Range(out problem);
            if (pvid) return Fail(out problem, "only a single VLAN id can be the PVID (p); B+IxC takes only u");
            if (count > 0 && step == 0) return Fail(out problem, $"step 0 repeats VLAN id {first}");
            // long arithmetic on values capped below 10^12: no overflow, no loop over the count.
            if (first + (step * count) > VlanMember.MaxVid)
            {
                var beyond = first + (step * (((VlanMember.MaxVid - first) / step) + 1));
                return Fail(out problem, $"it reaches VLAN id {(beyond > 999999 ? "> 999999" : beyond.ToString(System.Globalization.CultureInfo.InvariantCulture))}; a VLAN id is {VlanMember.MinVid}-{VlanMember.MaxVid}");
            }
            return new Parsed((int)first, (int)step, (int)count, false, untagged, Single: false);
        }
        return Junk(out problem);
    }

    /// <summary>ASCII digits at <paramref name="i"/>; values past 999999 are kept as 999999 (out of range anyway, never overflowing).</summary>
    private static long? Number(ReadOnlySpan<char> s, ref int i)
    {
        var start = i;
        long value = 0;
        while (i < s.Length && s[i] is >= '0' and <= '9')
        {
            value = Math.Min((value * 10) + (s[i] - '0'), 999999);
            i++;
        }
        return i > start ? value : null;
    }

    private static Parsed? Junk(out string? problem) => Fail(out problem, Forms);

    private static Parsed? Range(out string? problem) => Fail(out problem, $"a VLAN id is {VlanMember.MinVid}-{VlanMember.MaxVid}");

    private static Parsed? Fail(out string? problem, string text)
    {
        problem = text;
        return null;
    }

    private static VlanSet? Refuse(out string? error, string text)
    {
        error = text;
        return null;
    }

    /// <summary>At most 40 characters of <paramref name="text"/>, control characters as '?', for a refusal's line.</summary>
    internal static string Q(string text)
    {
        var chars = text.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray();
        return new string(chars) + (text.Length > 40 ? "..." : "");
    }
}
