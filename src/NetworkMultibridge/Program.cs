namespace XenHotplug.NetworkMultibridge;

internal static class Program
{
    private static int Main() => 0;
}
