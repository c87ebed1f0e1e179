using System.Text;

namespace XenHotplug.Core.Naming;

/// <summary>
/// Linux network interface names as the kernel takes them literally: at most 15 bytes, no '/', ':', white space
/// or '%' (the kernel would expand "x%d" as a template into another name), not '.' or '..', and never an
/// option ('-...').
/// </summary>
public static class InterfaceName
{
    /// <summary>IFNAMSIZ - 1.</summary>
    public const int MaxBytes = 15;

    /// <summary>Why the name is not a valid interface name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "the name is empty";
        if (name is "." or "..") return $"'{name}' is not a valid interface name";
        if (name[0] == '-') return $"'{name}' starts with '-' and would be taken as an option";
        if (Encoding.UTF8.GetByteCount(name) > MaxBytes) return $"'{name}' is longer than {MaxBytes} bytes";
        foreach (var c in name)
        {
            if (c == '/' || c == ':' || c == '%' || char.IsWhiteSpace(c) || char.IsControl(c))
                return $"'{Printable(name)}' contains '{Printable(c.ToString())}', which an interface name may not";
        }
        return null;
    }

    /// <summary>True when the name is a valid interface name.</summary>
    public static bool IsValid(string? name) => Problem(name) is null;

    private static string Printable(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsControl(c) || (char.IsWhiteSpace(c) && c != ' ')) b.Append("\\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.ToString();
    }
}
