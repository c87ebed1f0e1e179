using XenHotplug.Core.CommandLine;
using XenHotplug.Host.CommandLine;

namespace XenHotplug.VifMultibridge;

internal static class Program
{
    private const string Name = "vif-multibridge";

    private static int Main(string[] args)
    {
        var dryRun = false;
        var verbose = false;
        var rest = new List<string>();
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--help" or "-h":
                    Console.Out.Write(Usage.Help);
                    return 0;
                case "--version":
                    Console.Out.Write(ProgramInfo.VersionText(Name, typeof(Program).Assembly));
                    return 0;
                case "--dry-run" or "-n":
                    dryRun = true;
                    break;
                case "-v" or "--verbose":
                    verbose = true;
                    break;
                default:
                    if (arg.StartsWith('-'))
                        return UsageError($"unknown option '{arg}'");
                    rest.Add(arg);
                    break;
            }
        }
        if (rest.Count > 0 && rest[0] == "explain")
        {
            if (rest.Count != 3 || !int.TryParse(rest[1], out var domid) || !int.TryParse(rest[2], out var devid) || domid < 0 || devid < 0)
                return UsageError("explain takes a domain id and a device id, e.g. 'explain 3 0'");
            rest = ["online", "type_if=vif", $"vif=vif{domid}.{devid}", $"XENBUS_PATH=backend/vif/{domid}/{devid}"];
            dryRun = true;
        }
        else if (rest.Count == 0)
        {
            return UsageError("no command given");
        }
        return new VifCommand(Name, verbose).Run(rest, ProcessEnvironment.Read(), dryRun);
    }

    private static int UsageError(string message)
    {
        Console.Error.Write($"{Name}: {message}\n{Usage.Line}Try '{Name} --help' for more information.\n");
        return 2;
    }
}
