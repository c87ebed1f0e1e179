using System.Globalization;
using XenHotplug.Core.Failures;

namespace XenHotplug.Core.CommandLine;

/// <summary>
/// `vif-multibridge [options] online|offline|add|remove [KEY=VALUE]...` and `explain DOMID DEVID` (an online's
/// dry run for that backend). The KEY=VALUE words and the command go to the hotplug request's parser unchanged.
/// </summary>
public sealed record VifArguments(VifAction Action, bool DryRun, bool Verbose, IReadOnlyList<string> Words)
{
    public static VifArguments Parse(IReadOnlyList<string> args)
    {
        bool dryRun = false, verbose = false;
        var words = new List<string>();
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--help" or "-h": return new VifArguments(VifAction.Help, false, false, []);
                case "--version": return new VifArguments(VifAction.Version, false, false, []);
                case "--dry-run" or "-n": dryRun = true; continue;
                case "--verbose" or "-v": verbose = true; continue;
            }
            if (arg.StartsWith('-')) throw new UsageException($"unknown option '{arg}'");
            words.Add(arg);
        }
        if (words.Count == 0) throw new UsageException("no command given");
        if (words[0] != "explain") return new VifArguments(VifAction.Hotplug, dryRun, verbose, words);
        if (words.Count != 3 || !TryId(words[1], out var domid) || !TryId(words[2], out var devid))
            throw new UsageException("explain takes a domain id and a device id, e.g. 'explain 3 0'");
        string[] online = ["online", "type_if=vif", $"vif=vif{domid}.{devid}", $"XENBUS_PATH=backend/vif/{domid}/{devid}"];
        return new VifArguments(VifAction.Hotplug, true, verbose, online);
    }

    private static bool TryId(string text, out int id) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
}
