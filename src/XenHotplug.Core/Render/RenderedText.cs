using System.Globalization;
using System.Text;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Render;

/// <summary>
/// The one gate between what render reads (the INI, the environment, the host) and the files it writes: a comment is
/// one printable line whatever it quotes, a value never carries white space or a control character (a newline in a
/// value would be a line of its own in the file), and an interface name means exactly one interface in the format it
/// is written in. systemd-networkd reads <c>[Match] Name=</c> as shell globs (<c>*</c>, <c>?</c>, <c>[...]</c>,
/// backslash escapes) and a leading <c>!</c> as a negation, so <c>Name=*</c> would hand a bridge's addressing to
/// every NIC; ifupdown reads <c>NAME=LOGICAL</c> in <c>ifup</c> arguments and <c>#</c> as a comment; NetworkManager's
/// keyfiles read backslash escapes (<c>\s</c>, <c>\\</c>), which <see cref="KeyfileValue"/> writes.
/// </summary>
public static class RenderedText
{
    private const string NetworkdPatternCharacters = "*?[]\\";
    private const string IfupdownSpecialCharacters = "=#\\";

    /// <summary>Refuses a bridge whose names or addressing cannot be written safely in <paramref name="format"/>.</summary>
    public static void Check(RenderFormat format, BridgeAddressing b)
    {
        Name(format, "bridge", b.Bridge);
        if (b.Uplink is not null) Name(format, $"{b.Bridge}'s uplink", b.Uplink);
        if (b.VlanParent is not null) Name(format, $"{b.Bridge}'s VLAN parent", b.VlanParent);
        Value(b.Bridge, "MAC address", b.Mac);
        foreach (var a in b.Addresses4.Concat(b.Addresses6)) Value(b.Bridge, "address", a);
        foreach (var r in b.Routes)
        {
            Value(b.Bridge, "route", r.Destination);
            Value(b.Bridge, "gateway", r.Gateway);
        }
    }

    /// <summary>Why <paramref name="name"/> cannot be written as an interface name in <paramref name="format"/>, or null.</summary>
    public static string? NameProblem(RenderFormat format, string name)
    {
        if (InterfaceName.Problem(name) is { } problem) return problem;
        switch (format)
        {
            case RenderFormat.Networkd:
                foreach (var c in name)
                {
                    if (NetworkdPatternCharacters.Contains(c, StringComparison.Ordinal))
                        return $"'{name}' contains '{c}', which systemd-networkd reads as a pattern in [Match] Name= (the file would match other interfaces)";
                }
                if (name[0] == '!') return $"'{name}' starts with '!', which systemd-networkd reads as a negation in [Match] Name= (the file would match every other interface)";
                return null;
            case RenderFormat.Ifupdown:
                foreach (var c in name)
                {
                    if (IfupdownSpecialCharacters.Contains(c, StringComparison.Ordinal))
                        return $"'{name}' contains '{c}', which ifupdown does not read as part of an interface name";
                }
                return null;
            default:
                return null; // keyfile values are escaped
        }
    }

    /// <summary>
    /// <paramref name="text"/> as the rest of one comment line: control characters (a newline above all) are written
    /// as <c>\xNN</c>, so nothing quoted in a comment can start a line of its own.
    /// </summary>
    public static string Comment(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085') b.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else b.Append(c);
        }
        return b.ToString();
    }

    /// <summary>A string value of a NetworkManager keyfile (GLib's key file escapes: backslash, and a leading space).</summary>
    public static string KeyfileValue(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal);

    private static void Name(RenderFormat format, string role, string name)
    {
        if (NameProblem(format, name) is { } problem)
            throw new BridgeException($"cannot render {role} {Comment(name)} as {Word(format)} configuration: {problem}; rename it, or build it with 'network-multibridge start'");
    }

    private static void Value(string bridge, string what, string? value)
    {
        if (value is null) return;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new BridgeException($"cannot render bridge {Comment(bridge)}: its {what} '{Comment(value)}' contains white space or a control character");
        }
    }

    private static string Word(RenderFormat format) => format switch
    {
        RenderFormat.Networkd => "systemd-networkd",
        RenderFormat.Ifupdown => "ifupdown",
        _ => "NetworkManager",
    };
}
