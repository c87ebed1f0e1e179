namespace XenHotplug.Tests.Xenstore;

/// <summary>Unique Unix socket paths in the temp directory (short enough for sun_path).</summary>
internal static class TestSocketPath
{
    public static string Create() => Path.Combine(Path.GetTempPath(), $"xs-{Guid.NewGuid():N}.sock");
}
