namespace XenHotplug.VifMultibridge;

internal static class Program
{
    private static int Main() => 0;
}
