using System.Globalization;
using XenHotplug.Configuration;
using XenHotplug.Net;

namespace XenHotplug.Bridges;

public enum NetworkCommand
{
    Start,
    Stop,
    Restart,
    Status,
    Help,
    Version,
}
