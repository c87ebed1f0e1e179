namespace XenHotplug.Core.CommandLine;

public enum NetworkCommand
{
    Start,
    Stop,
    Restart,
    Status,
    Help,
    Version,
    Render,
    Suggest,
    Balance,
    Watch,
    Top,
}
