using System.Globalization;
using XenHotplug.Core.Vlan;

namespace XenHotplug.Core.Configuration;

/// <summary>The readers of key values <see cref="ConfigSchema"/> declares keys with; each refusal says what the value must be.</summary>
public static class ValueParsers
{
    public static ValueParser<string> Text { get; } = (string text, out string value) =>
    {
        value = text;
        return null;
    };

    public static ValueParser<string?> OptionalText { get; } = (string text, out string? value) =>
    {
        value = text;
        return null;
    };

    public static ValueParser<string> AbsolutePath { get; } = (string text, out string value) =>
    {
        value = text;
        return Path.IsPathRooted(text) ? null : $"'{text}' must be an absolute path";
    };

    public static ValueParser<string?> OptionalAbsolutePath { get; } = (string text, out string? value) =>
    {
        value = text;
        return Path.IsPathRooted(text) ? null : $"'{text}' must be an absolute path";
    };

    public static ValueParser<string?> InterfaceName { get; } = (string text, out string? value) =>
    {
        value = text;
        return Naming.InterfaceName.Problem(text);
    };

    /// <summary>Words separated by white space or commas.</summary>
    public static ValueParser<IReadOnlyList<string>> Words { get; } = (string text, out IReadOnlyList<string> value) =>
    {
        value = SplitWords(text);
        return null;
    };

    /// <summary>Interface names separated by white space or commas.</summary>
    public static ValueParser<IReadOnlyList<string>> InterfaceNames { get; } = (string text, out IReadOnlyList<string> value) =>
    {
        value = SplitWords(text);
        foreach (var name in value)
        {
            if (Naming.InterfaceName.Problem(name) is { } problem) return problem;
        }
        return null;
    };

    /// <summary>One VLAN id, 1-4094.</summary>
    public static ValueParser<ushort?> VlanId { get; } = (string text, out ushort? value) =>
    {
        value = ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var vid) ? vid : null;
        return value is >= Vlan.VlanMember.MinVid and <= Vlan.VlanMember.MaxVid ? null : $"'{text}' is not a VLAN id (1-4094)";
    };

    /// <summary>VLAN ids and ranges (10 20 100-199), separated by white space or commas, each VID once.</summary>
    public static ValueParser<IReadOnlyList<ushort>> VlanIds { get; } = (string text, out IReadOnlyList<ushort> value) =>
    {
        var vids = new List<ushort>();
        value = vids;
        var seen = new HashSet<ushort>();
        foreach (var word in SplitWords(text))
        {
            var dash = word.IndexOf('-');
            var first = dash < 0 ? word : word[..dash];
            var last = dash < 0 ? word : word[(dash + 1)..];
            if (VlanId(first, out var a) is not null || VlanId(last, out var b) is not null)
                return $"'{word}' is not a VLAN id or range (1-4094, e.g. 100-199)";
            if (b < a) return $"'{word}' is a range that ends before it starts";
            for (var vid = a!.Value; vid <= b!.Value; vid++)
            {
                if (!seen.Add(vid)) return $"VLAN {vid} is listed twice ('{word}' overlaps an earlier id or range)";
                vids.Add(vid);
            }
        }
        return vids.Count == 0 ? "no VLAN ids given" : null;
    };

    public static ValueParser<bool> YesNo { get; } = (string text, out bool value) =>
    {
        value = ConfigNames.YesNo.Parse(text) ?? false;
        return ConfigNames.YesNo.Parse(text) is null ? $"'{text}' is not yes or no" : null;
    };

    /// <summary>As <see cref="YesNo"/>, for a key whose absence means "not set here".</summary>
    public static ValueParser<bool?> OptionalYesNo { get; } = (string text, out bool? value) =>
    {
        value = ConfigNames.YesNo.Parse(text);
        return value is null ? $"'{text}' is not yes or no" : null;
    };

    /// <summary>
    /// A vlan= value in Xen's grammar (<see cref="VlanSyntax"/>), with its refusals word for word; the section and
    /// key are named by the caller, so the grammar's own "vlan: " prefix is left off.
    /// </summary>
    public static ValueParser<VlanSet?> Vlans { get; } = (string text, out VlanSet? value) =>
    {
        value = VlanSyntax.TryParse(text, out var error);
        const string Prefix = VlanSyntax.Key + ": ";
        return error is not null && error.StartsWith(Prefix, StringComparison.Ordinal) ? error[Prefix.Length..] : error;
    };

    public static ValueParser<int?> Mtu { get; } = (string text, out int? value) =>
    {
        value = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 68 and <= 65535 ? m : null;
        return value is null ? $"'{text}' is not an MTU (68-65535)" : null;
    };

    public static ValueParser<double> PositiveNumber { get; } = (string text, out double value) =>
    {
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && !double.IsInfinity(value);
        return ok ? null : $"'{text}' is not a positive number";
    };

    /// <summary>A number of <paramref name="unit"/> from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static ValueParser<double> Number(double min, double max, string unit) => (string text, out double value) =>
    {
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value) && value >= min && value <= max;
        return ok ? null : $"'{text}' is not a valid value ({unit}, from {N(min)} to {N(max)})";
    };

    public static ValueParser<double> Seconds(double min, double max) => Number(min, max, "seconds");

    /// <summary>A whole number of <paramref name="unit"/> from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static ValueParser<int> Count(int min, int max, string unit) => (string text, out int value) =>
    {
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max && d == Math.Floor(d);
        value = ok ? (int)d : 0;
        return ok ? null : $"'{text}' is not a valid value ({unit}, from {N(min)} to {N(max)})";
    };

    /// <summary>One of <paramref name="table"/>'s words; a refusal reads "unknown <paramref name="noun"/> 'x' (a, b or c)".</summary>
    public static ValueParser<T> Choice<T>(NameTable<T> table, string noun = "value")
        where T : struct => (string text, out T value) =>
    {
        var parsed = table.Parse(text);
        value = parsed ?? default;
        return parsed is null ? $"unknown {noun} '{text}' ({table.Choices()})" : null;
    };

    /// <summary>As <see cref="Choice{T}"/>, for a key whose absence means "not set here".</summary>
    public static ValueParser<T?> OptionalChoice<T>(NameTable<T> table)
        where T : struct => (string text, out T? value) =>
    {
        value = table.Parse(text);
        return value is null ? $"unknown value '{text}' ({table.Choices()})" : null;
    };

    private static string[] SplitWords(string text) =>
        text.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string N(double value) => value.ToString(CultureInfo.InvariantCulture);
}
