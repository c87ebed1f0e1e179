using XenHotplug.XenstoreServer;

namespace XenHotplug.TestSupport;

/// <summary>
/// A dom0 without Xen: a "dom0" network namespace with bridges, guest NICs as veth pairs (backend side
/// vifD.V in dom0, peer eth0 in the guest's own namespace), the project's xenstore server, a config file
/// and run directory of its own. libxl's contract is reproduced when the vif-script is run. Everything is
/// deleted on Dispose. SimulatedDom0.Network.cs adds what network-multibridge's tests need.
/// </summary>
public sealed partial class SimulatedDom0 : IDisposable
{
    private readonly List<Netns> _namespaces = [];
    private readonly Dictionary<int, Netns> _guests = [];

    public SimulatedDom0(string? config = null)
    {
        Prefix = Netns.UniquePrefix();
        WorkDir = Directory.CreateTempSubdirectory(Prefix + "-").FullName;
        Xenstore = XenstoreTestServer.Start(Path.Combine(WorkDir, "xenstored.sock"));
        try
        {
            Dom0 = Netns.Create(Prefix + "-dom0");
        }
        catch
        {
            Xenstore.Dispose();
            Directory.Delete(WorkDir, recursive: true);
            throw;
        }
        _namespaces.Add(Dom0);
        ConfigPath = Path.Combine(WorkDir, "multibridge.ini");
        RunDir = Path.Combine(WorkDir, "run");
        HooksDir = Path.Combine(WorkDir, "hooks");
        if (config is not null) WriteConfig(config);
    }

    public string Prefix { get; }
    public string WorkDir { get; }
    public XenstoreTestServer Xenstore { get; }
    public Netns Dom0 { get; }
    public string ConfigPath { get; }
    public string RunDir { get; }
    public string HooksDir { get; }

    /// <summary>Extra environment for every hotplug run (e.g. XEN_MULTIBRIDGE_hotplug__device_wait).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public void WriteConfig(string text)
    {
        File.WriteAllText(ConfigPath, text);
        File.SetUnixFileMode(ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>A bridge in dom0 (STP off), optionally with an uplink veth whose peer sits in a lan namespace.</summary>
    public void AddBridge(string name, int mtu = 1500)
    {
        Dom0.Ip("link", "add", "name", name, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture), "type", "bridge", "stp_state", "0", "forward_delay", "0");
        Dom0.Ip("link", "set", name, "up");
    }

    /// <summary>An uplink NIC in dom0: a veth whose peer is in a namespace of its own (a "lan" port); returns that namespace.</summary>
    public Netns AddUplink(string nic, string? bridge = null)
    {
        var lan = NewNamespace("lan-" + nic);
        Dom0.Ip("link", "add", nic, "type", "veth", "peer", "name", "lan0", "netns", lan.Name);
        lan.Ip("link", "set", "lan0", "up");
        if (bridge is not null) Dom0.Ip("link", "set", nic, "master", bridge);
        Dom0.Ip("link", "set", nic, "up");
        return lan;
    }

    /// <summary>
    /// A guest NIC: backend vifD.V in dom0 (down, as netback leaves it), eth0 with <paramref name="address"/> in the
    /// guest's namespace, and the backend/frontend nodes libxl writes.
    /// </summary>
    public Netns AddGuest(int domid, int devid, string? bridge, string? address = null, string? name = null, IReadOnlyDictionary<string, string>? backend = null, bool createDevice = true, bool frontendConnected = true)
    {
        if (!_guests.TryGetValue(domid, out var guest))
        {
            guest = NewNamespace("g" + domid);
            _guests[domid] = guest;
        }
        WriteGuestNodes(domid, devid, bridge, name, backend);
        if (createDevice) CreateGuestDevice(domid, devid, address, frontendConnected);
        return guest;
    }

    /// <summary>
    /// A guest NIC whose peer stays in dom0 (named pD.V): for tests that count placements and need no
    /// traffic, so 64 or 256 guests do not need 256 namespaces.
    /// </summary>
    public void AddLightGuest(int domid, int devid, string? bridge, string? name = null)
    {
        WriteGuestNodes(domid, devid, bridge, name, null);
        Dom0.Ip("link", "add", $"vif{domid}.{devid}", "address", NetbackMac, "type", "veth", "peer", "name", $"p{domid}.{devid}");
        Dom0.Ip("link", "set", $"p{domid}.{devid}", "up");
    }

    private void WriteGuestNodes(int domid, int devid, string? bridge, string? name, IReadOnlyDictionary<string, string>? backend)
    {
        var b = $"/local/domain/0/backend/vif/{domid}/{devid}";
        Xenstore.Write(b + "/frontend", $"/local/domain/{domid}/device/vif/{devid}");
        Xenstore.Write(b + "/frontend-id", domid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Xenstore.Write(b + "/online", "1");
        Xenstore.Write(b + "/state", "2");
        Xenstore.Write(b + "/script", "/etc/xen/scripts/vif-multibridge");
        Xenstore.Write(b + "/mac", $"00:16:3e:00:{domid % 256:x2}:{devid % 256:x2}");
        Xenstore.Write(b + "/handle", devid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Xenstore.Write(b + "/type", "vif");
        // What netback itself writes into its backend directory on probe, before the hotplug runs.
        foreach (var feature in NetbackFeatures) Xenstore.Write(b + "/" + feature, "1");
        if (bridge is not null) Xenstore.Write(b + "/bridge", bridge);
        if (backend is not null)
        {
            foreach (var (k, v) in backend) Xenstore.Write(b + "/" + k, v);
        }
        Xenstore.Write($"/local/domain/{domid}/name", name ?? "guest" + domid);
        Xenstore.Write($"/local/domain/{domid}/vm", $"/vm/00000000-0000-0000-0000-{domid:x12}");
    }

    /// <summary>
    /// What netback does: the vif appears in dom0 (down, with netback's MAC fe:ff:ff:ff:ff:ff, as under real Xen),
    /// its peer in the guest. With <paramref name="frontendConnected"/> false the guest end stays down, so the vif
    /// has no carrier — real Xen's state while netfront is still booting, often for the whole hotplug (40–70 s under
    /// TCG); <see cref="ConnectFrontend"/> brings it up.
    /// </summary>
    public void CreateGuestDevice(int domid, int devid, string? address, bool frontendConnected = true)
    {
        var guest = _guests[domid];
        var inGuest = devid == 0 ? "eth0" : "eth" + devid;
        Dom0.Ip("link", "add", $"vif{domid}.{devid}", "address", NetbackMac, "type", "veth", "peer", "name", inGuest, "netns", guest.Name);
        if (address is not null) guest.Ip("address", "add", address, "dev", inGuest);
        if (frontendConnected) ConnectFrontend(domid, devid);
    }

    private static readonly string[] NetbackFeatures =
    [
        "feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6", "feature-ipv6-csum-offload", "feature-rx-copy",
        "feature-xdp-headroom", "feature-rx-flip", "feature-multicast-control", "feature-dynamic-multicast-control",
        "feature-split-event-channels", "feature-ctrl-ring",
    ];

    /// <summary>What netfront's connection does to the vif: carrier.</summary>
    public void ConnectFrontend(int domid, int devid) =>
        _guests[domid].Ip("link", "set", devid == 0 ? "eth0" : "eth" + devid, "up");

    /// <summary>The MAC xen-netback gives every vif it creates (the guest's own MAC is the frontend's).</summary>
    public const string NetbackMac = "fe:ff:ff:ff:ff:ff";

    /// <summary>libxl's hotplug timeout: the script is killed with SIGKILL after this long (libxl_device.c).</summary>
    public static readonly TimeSpan LibxlHotplugTimeout = TimeSpan.FromSeconds(40);

    public Netns Guest(int domid) => _guests[domid];

    public Netns NewNamespace(string suffix)
    {
        var ns = Netns.Create(Prefix + "-" + suffix);
        _namespaces.Add(ns);
        return ns;
    }

    /// <summary>The environment libxl gives the vif-script.</summary>
    public Dictionary<string, string> LibxlEnvironment(int domid, int devid, string type = "vif")
    {
        var env = new Dictionary<string, string>
        {
            ["script"] = "/etc/xen/scripts/vif-multibridge",
            ["XENBUS_TYPE"] = "vif",
            ["XENBUS_PATH"] = $"backend/vif/{domid}/{devid}",
            ["XENBUS_BASE_PATH"] = "backend",
            ["netdev"] = "",
            ["vif"] = $"vif{domid}.{devid}",
            ["XENSTORED_PATH"] = Xenstore.SocketPath,
            ["XEN_MULTIBRIDGE_CONFIG"] = ConfigPath,
            ["XEN_MULTIBRIDGE_RUNDIR"] = RunDir,
            ["XEN_MULTIBRIDGE_hotplug__hooks_dir"] = HooksDir,
            ["XEN_MULTIBRIDGE_SYSLOG"] = Path.Combine(WorkDir, "no-syslog"),
        };
        if (type == "tap") env["INTERFACE"] = $"vif{domid}.{devid}-emu";
        foreach (var (k, v) in Environment) env[k] = v;
        return env;
    }

    /// <summary>
    /// Runs vif-multibridge in dom0 exactly as libxl does: `SCRIPT online|offline type_if=vif` (tap: add|remove
    /// type_if=tap), killed after libxl's 40 s.
    /// </summary>
    public ProcResult Hotplug(string command, int domid, int devid, string type = "vif", IReadOnlyDictionary<string, string>? extraEnv = null, string? binary = null)
    {
        var env = LibxlEnvironment(domid, devid, type);
        if (extraEnv is not null)
        {
            foreach (var (k, v) in extraEnv) env[k] = v;
        }
        return Dom0.Exec(binary ?? Binaries.Vif, [command, "type_if=" + type], env, LibxlHotplugTimeout);
    }

    public string? Backend(int domid, int devid, string key) => Xenstore.Read($"/local/domain/0/backend/vif/{domid}/{devid}/{key}");

    public void Dispose()
    {
        StopProcesses();
        foreach (var ns in Enumerable.Reverse(_namespaces)) ns.Dispose();
        Xenstore.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
