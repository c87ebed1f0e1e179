using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Failures;
using XenHotplug.Host.CommandLine;

namespace XenHotplug.VifMultibridge;

internal static class Program
{
    public const string Name = "vif-multibridge";

    private static int Main(string[] args)
    {
        VifArguments arguments;
        try
        {
            arguments = VifArguments.Parse(args);
        }
        catch (UsageException e)
        {
            return Usage.Error(e.Message);
        }
        switch (arguments.Action)
        {
            case VifAction.Help:
                Console.Out.Write(Usage.Help);
                return 0;
            case VifAction.Version:
                Console.Out.Write(ProgramInfo.VersionText(Name, typeof(Program).Assembly));
                return 0;
        }
        return new VifCommand(Name, arguments.Verbose).Run(arguments, ProcessEnvironment.Read());
    }
}
