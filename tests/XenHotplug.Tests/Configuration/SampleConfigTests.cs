using XenHotplug.Host.Configuration;
using XenHotplug.Tests.Support;

namespace XenHotplug.Tests.Configuration;

/// <summary>The commented sample shipped as /etc/xen/multibridge.ini.</summary>
public class SampleConfigTests
{
    private static string Sample()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "XenHotplug.sln"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir!.FullName, "hotplug", "multibridge.ini"));
    }

    [Fact]
    public void As_shipped_it_changes_nothing()
    {
        var c = TestConfig.Load(Sample());
        var d = ConfigLoader.Build(null, new Dictionary<string, string>());
        Assert.False(c.HasPolicy);
        Assert.Empty(c.Bridges);
        Assert.Equal((d.Hotplug.DeviceWait, d.Hotplug.HooksDir, d.Hotplug.RunDir, d.Hotplug.NetworkBackend), (c.Hotplug.DeviceWait, c.Hotplug.HooksDir, c.Hotplug.RunDir, c.Hotplug.NetworkBackend));
        Assert.Equal((d.WhenUnhealthy, d.Naming, d.DefaultPool), (c.WhenUnhealthy, c.Naming, c.DefaultPool));
    }

    [Fact]
    public void Its_example_is_valid_once_uncommented()
    {
        var text = string.Join('\n', Sample().Split('\n').Select(l => l.StartsWith('#') ? l[1..] : l));
        var c = TestConfig.Load(text);
        Assert.Equal(["xenbr0", "xenbr1"], c.Bridges.Select(b => b.Name));
        Assert.Equal("default", c.DefaultPool);
        Assert.Contains("xenbr0", c.AutoBridges);
        Assert.Equal("storage", c.DomainRules.Single().Pool);
    }
}
