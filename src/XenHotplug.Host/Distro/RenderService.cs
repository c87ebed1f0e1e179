using System.Text;
using XenHotplug.Core.Bridges;
using XenHotplug.Core.Distro;
using XenHotplug.Core.Failures;
using XenHotplug.Core.Network;
using XenHotplug.Core.Render;
using XenHotplug.Host.Network;

namespace XenHotplug.Host.Distro;

/// <summary>
/// `network-multibridge render FORMAT [--output DIR]`: the distribution-native configuration of every declared bridge,
/// its addressing read from the host as it is now. Without --output the files are printed, each after a
/// "### NAME" line; with it they are written into DIR (created; keyfiles mode 0600, the others 0644), replacing
/// files of the same name whole. Each bridge on its own: one that cannot be rendered is reported, the others are.
/// Returns the bridges that could not be rendered.
/// </summary>
public sealed class RenderService(INetworkRunner runner, IUplinkProbe probe, Serilog.ILogger log, TextWriter output)
{
    public List<string> Render(IReadOnlyList<BridgeSpec> specs, RenderFormat format, string? directory, string configFile,
        IReadOnlyList<BondSpec>? bonds = null)
    {
        var observed = NetStateReader.Read(runner);
        var failed = new List<string>();
        var files = new List<RenderedFile>();
        // The bridges on a bond read it as start will have built it: its slaves' MAC and addressing on the bond.
        var valid = new List<BondSpec>();
        var state = observed;
        foreach (var bond in bonds ?? [])
        {
            try
            {
                BondPlanner.CheckStart(observed, bond);
                valid.Add(bond);
                state = BondPlanner.Project(state, bond);
            }
            catch (BridgeException e)
            {
                log.Error("{Message:l}", e.Message);
                failed.Add(bond.Name);
            }
        }
        var vlanDevices = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            try
            {
                // A VLAN bridge's addressing is its 802.1Q device's (when it exists), never its parent's.
                var nic = spec.Uplink is null ? null : state.ByName(spec.Vlan is null ? spec.Uplink : spec.Port!);
                var facts = nic is null ? UplinkFacts.None : probe.Probe(nic);
                var addressing = AddressingReader.Read(state, spec, facts);
                if (spec.Vlan is null && valid.Find(b => b.Name == spec.Uplink) is { } uplinkBond) addressing = addressing with { Bond = uplinkBond };
                var header = $"[bridge:{spec.Declared}] of {configFile}, written by 'network-multibridge render {Word(format)}'";
                files.AddRange(BridgeRenderer.Render(format, addressing, header));
                if (addressing is { VlanParent: { } parent, Uplink: { } device })
                {
                    if (!vlanDevices.TryGetValue(parent, out var list)) vlanDevices[parent] = list = [];
                    list.Add(device);
                }
            }
            catch (BridgeException e)
            {
                log.Error("{Message:l}", e.Message);
                failed.Add(spec.Name);
            }
        }
        // systemd-networkd creates a VLAN device from its parent's .network (VLAN=): one file per parent, for all its VLANs.
        if (format == RenderFormat.Networkd)
        {
            foreach (var (parent, devices) in vlanDevices.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var facts = state.ByName(parent) is { } link ? probe.Probe(link) : UplinkFacts.None;
                var header = $"VLAN parent of {string.Join(", ", devices)} in {configFile}, written by 'network-multibridge render networkd'";
                files.Add(BridgeRenderer.RenderParent(format, AddressingReader.ReadParent(state, parent, facts), devices, header));
            }
        }
        foreach (var bond in valid)
        {
            try
            {
                // A bridge's uplink is defined by the bridge's port files; a VLAN parent under networkd by its parent .network.
                var bridged = specs.Any(s => s.Vlan is null && s.Uplink == bond.Name);
                var covered = bridged || (format == RenderFormat.Networkd && vlanDevices.ContainsKey(bond.Name));
                var link = state.ByName(bond.Name);
                var own = covered ? null : AddressingReader.ReadParent(state, bond.Name,
                    observed.ByName(bond.Home) is { } home ? probe.Probe(home) : UplinkFacts.None);
                var header = $"[bond:{bond.Name}] of {configFile}, written by 'network-multibridge render {Word(format)}'";
                files.AddRange(BondRenderer.Render(format, bond, link?.Mac, own, header));
            }
            catch (BridgeException e)
            {
                log.Error("{Message:l}", e.Message);
                failed.Add(bond.Name);
            }
        }
        if (directory is null)
        {
            foreach (var file in files)
                output.Write($"### {BridgeRenderer.TargetDirectory(format)}/{file.Name}{(file.Private ? " (mode 0600)" : "")}\n{file.Text}\n");
            return failed;
        }
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BridgeException($"cannot create {directory}: {e.Message}", e);
        }
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file.Name);
            Write(path, file.Text, file.Private ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            output.WriteLine($"wrote {path}");
        }
        if (files.Count > 0)
            output.WriteLine($"# install them in {BridgeRenderer.TargetDirectory(format)} (see network-multibridge(8), RENDER)");
        return failed;
    }

    public static string Word(RenderFormat format) => format switch
    {
        RenderFormat.Networkd => "networkd",
        RenderFormat.Ifupdown => "ifupdown",
        _ => "nm",
    };

    private static void Write(string path, string text, UnixFileMode mode)
    {
        var temp = path + ".tmp";
        try
        {
            File.Delete(temp);
            using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temp, mode); // the umask may have taken bits away
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new BridgeException($"cannot write {path}: {e.Message}", e);
        }
    }
}
