using XenHotplug.TestSupport;

namespace XenHotplug.IntegrationTests.Parity;

/// <summary>What one script left behind after one hotplug, in the terms both scripts share.</summary>
public sealed record HotplugOutcome(int ExitCode, LinkState Link, string? FrontendMtu, string? HotplugStatus, bool HasHotplugError)
{
    /// <summary>One line that must be identical for the stock script and ours.</summary>
    public string Summary =>
        $"exit={ExitCode} {Link.Summary} frontend-mtu={FrontendMtu ?? "-"} hotplug-status={HotplugStatus ?? "-"} hotplug-error={(HasHotplugError ? "yes" : "no")}";
}

/// <summary>
/// Two identical simulated dom0s, one driven by Debian's stock /etc/xen/scripts/vif-bridge and one by
/// out/vif-multibridge, with the same libxl environment and arguments. Every setup step is applied to
/// both; every hotplug runs on both; the outcomes are compared by the tests.
/// </summary>
public sealed class ParityRun : IDisposable
{
    public const string StockScript = "/etc/xen/scripts/vif-bridge";

    public ParityRun()
    {
        // The stock scripts append their stderr to this log (exec 2>>...): without the directory bash fails at once.
        System.IO.Directory.CreateDirectory("/var/log/xen");
        Stock = new SimulatedDom0();
        try
        {
            Ours = new SimulatedDom0();
        }
        catch
        {
            Stock.Dispose();
            throw;
        }
    }

    public SimulatedDom0 Stock { get; }
    public SimulatedDom0 Ours { get; }

    public static bool StockInstalled => File.Exists(StockScript);

    /// <summary>Applies the same setup to both dom0s.</summary>
    public void Both(Action<SimulatedDom0> setup)
    {
        setup(Stock);
        setup(Ours);
    }

    /// <summary>
    /// What the stock script sees is pinned: with <see cref="WithoutBridgeUtils"/> it runs with a PATH where `brctl`
    /// does not exist (its `bridge link` branch), otherwise brctl must be installed (install-deps installs
    /// bridge-utils, as a Debian Xen host has it) — never whatever this machine happens to have.
    /// </summary>
    public bool WithoutBridgeUtils { get; set; }

    public (ProcResult Stock, ProcResult Ours) Hotplug(string command, int domid, int devid, string type = "vif") =>
        (Stock.Hotplug(command, domid, devid, type, StockEnvironment(), binary: StockScript), Ours.Hotplug(command, domid, devid, type));

    private Dictionary<string, string> StockEnvironment()
    {
        if (!WithoutBridgeUtils)
        {
            Assert.True(File.Exists("/usr/sbin/brctl"), "bridge-utils is not installed: run tests/scripts/install-deps.sh (the parity tests pin what the stock script sees)");
            return new() { ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };
        }
        // A bin directory with every sbin tool but brctl, and no sbin directory on PATH.
        var shim = Path.Combine(Stock.WorkDir, "no-brctl");
        if (!Directory.Exists(shim))
        {
            Directory.CreateDirectory(shim);
            foreach (var tool in Directory.EnumerateFiles("/usr/sbin"))
            {
                if (Path.GetFileName(tool) != "brctl") File.CreateSymbolicLink(Path.Combine(shim, Path.GetFileName(tool)), tool);
            }
        }
        return new() { ["PATH"] = shim + ":/usr/local/bin:/usr/bin" };
    }

    public (LinkState Stock, LinkState Ours) Probe(string dev) => Probe(dev, dev);

    public (LinkState Stock, LinkState Ours) Probe(string stockDev, string oursDev) =>
        (NetworkStateProbe.Capture(Stock.Dom0, stockDev), NetworkStateProbe.Capture(Ours.Dom0, oursDev));

    public (string? Stock, string? Ours) Read(string absPath) => (Stock.Xenstore.Read(absPath), Ours.Xenstore.Read(absPath));

    /// <summary>Runs one hotplug on both sides and returns what each left on <paramref name="dev"/> and in xenstore.</summary>
    public (HotplugOutcome Stock, HotplugOutcome Ours) Run(string command, int domid, int devid, string dev, string type = "vif")
    {
        var (s, o) = Hotplug(command, domid, devid, type);
        return (Outcome(Stock, s, domid, devid, dev), Outcome(Ours, o, domid, devid, dev));
    }

    public static HotplugOutcome Outcome(SimulatedDom0 side, ProcResult result, int domid, int devid, string dev) =>
        new(result.ExitCode,
            NetworkStateProbe.Capture(side.Dom0, dev),
            side.Xenstore.Read($"/local/domain/{domid}/device/vif/{devid}/mtu"),
            side.Backend(domid, devid, "hotplug-status"),
            side.Backend(domid, devid, "hotplug-error") is not null);

    public void Dispose()
    {
        Ours.Dispose();
        Stock.Dispose();
    }
}
