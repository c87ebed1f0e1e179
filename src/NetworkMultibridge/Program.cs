using XenHotplug.Core.CommandLine;
using XenHotplug.Core.Failures;
using XenHotplug.Host.CommandLine;

namespace XenHotplug.NetworkMultibridge;

internal static class Program
{
    public const string Name = "network-multibridge";

    private static int Main(string[] args)
    {
        NetworkArguments command;
        try
        {
            command = NetworkArguments.Parse(args);
        }
        catch (UsageException e)
        {
            return Usage.Error(e.Message);
        }
        switch (command.Command)
        {
            case NetworkCommand.Help:
                Console.Out.Write(Usage.Help);
                return 0;
            case NetworkCommand.Version:
                Console.Out.Write(ProgramInfo.VersionText(Name, typeof(Program).Assembly));
                return 0;
        }
        return new BridgeCommand(Name, command.Verbose).Run(command, ProcessEnvironment.Read());
    }
}
