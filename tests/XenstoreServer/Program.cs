namespace XenHotplug.XenstoreServer;

internal static class Program
{
    private static int Main() => 0;
}
