using System.Globalization;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Naming;

namespace XenHotplug.Core.Request;

/// <summary>
/// Turns the vif-script's arguments and environment into a <see cref="HotplugRequest"/>, the way
/// vif-common.sh does: the first argument without '=' is the command, KEY=VALUE arguments set
/// variables (over the environment), type_if defaults to vif.
/// </summary>
public static class HotplugRequestParser
{
    /// <summary>The outcome: a request, or a reason to exit 0 without doing anything (as the stock script does).</summary>
    public sealed record Result(HotplugRequest? Request, string? SkipReason);

    public static Result Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        string? command = null;
        foreach (var arg in args)
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                variables[arg[..eq]] = arg[(eq + 1)..];
            else
                command ??= arg;
        }
        if (command is null)
            throw new HotplugException("no command given (expected online, offline, add or remove)");
        var cmd = command switch
        {
            "online" => HotplugCommand.Online,
            "offline" => HotplugCommand.Offline,
            "add" => HotplugCommand.Add,
            "remove" => HotplugCommand.Remove,
            _ => throw new HotplugException($"invalid command '{command}' (expected online, offline, add or remove)"),
        };
        var typeText = variables.TryGetValue("type_if", out var t) && t.Length > 0 ? t : "vif";
        var type = typeText switch
        {
            "vif" => InterfaceType.Vif,
            "tap" => InterfaceType.Tap,
            _ => throw new HotplugException($"unknown interface type type_if={typeText} (expected vif or tap)"),
        };
        // Like vif-common.sh: online/offline only concern vifs, add/remove only taps.
        if (cmd is HotplugCommand.Online or HotplugCommand.Offline && type != InterfaceType.Vif)
            return new Result(null, $"{command} is handled for type_if=vif only");
        if (cmd is HotplugCommand.Add or HotplugCommand.Remove && type != InterfaceType.Tap)
            return new Result(null, $"{command} is handled for type_if=tap only");

        string device, xenbusPath;
        if (type == InterfaceType.Vif)
        {
            device = Required(variables, "vif", "the vif interface name");
            xenbusPath = Required(variables, "XENBUS_PATH", "the backend path, e.g. backend/vif/3/0");
        }
        else
        {
            device = Required(variables, "INTERFACE", "the tap interface name, e.g. vif3.0-emu");
            if (!TryIdsFromName(device, out var tapDomid, out var tapDevid))
                throw new IdentityException($"tap interface '{IdentityGuard.Quote(device)}' is not named vifDOMID.DEVID-emu");
            xenbusPath = variables.TryGetValue("XENBUS_PATH", out var p) && p.Length > 0
                ? p : $"/local/domain/0/backend/vif/{tapDomid}/{tapDevid}";
        }
        CheckPath(xenbusPath);
        if (InterfaceName.Problem(device) is { } problem)
            throw new HotplugException($"invalid interface name: {problem}");
        // The device and the backend must be the same NIC's: nothing is ever done for a mismatched pair.
        var (domid, devid) = IdentityGuard.CheckRequest(type, device, xenbusPath);
        return new Result(new HotplugRequest(cmd, type, device, xenbusPath, domid, devid, variables), null);
    }

    private static string Required(Dictionary<string, string> variables, string name, string what) =>
        variables.TryGetValue(name, out var v) && v.Length > 0 ? v
            : throw new HotplugException($"missing environment variable {name} ({what}); is this run by libxl or udev?");

    private static void CheckPath(string path)
    {
        if (path.Length > 3072 || path.Contains('\0', StringComparison.Ordinal) || path.Contains("//", StringComparison.Ordinal)
            || path.EndsWith('/') || path.Any(char.IsWhiteSpace))
            throw new HotplugException($"invalid XENBUS_PATH '{IdentityGuard.Quote(path)}'");
    }

    /// <summary>"vif3.0" or "vif3.0-emu" → 3, 0.</summary>
    internal static bool TryIdsFromName(string name, out int domid, out int devid)
    {
        domid = devid = -1;
        if (!name.StartsWith("vif", StringComparison.Ordinal)) return false;
        var core = name[3..];
        if (core.EndsWith(VifNames.TapSuffix, StringComparison.Ordinal)) core = core[..^VifNames.TapSuffix.Length];
        var dot = core.IndexOf('.', StringComparison.Ordinal);
        return dot > 0
            && int.TryParse(core.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out domid)
            && int.TryParse(core.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out devid);
    }
}
