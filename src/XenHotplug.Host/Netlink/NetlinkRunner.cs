using System.Buffers.Binary;
using System.Globalization;
using XenHotplug.Core.Network;

namespace XenHotplug.Host.Netlink;

/// <summary>
/// <see cref="INetworkRunner"/> through rtnetlink directly: the vif port operations (link up/down, MAC,
/// MTU, master, bridge-port isolation, rename, alias, address flush, a port's VLANs) cost no process at all. Anything else (creating bridges,
/// routes) goes to the `ip` runner it wraps. Same contract as `ip -batch`: stop at the first failure and
/// say which operation failed.
/// </summary>
public sealed class NetlinkRunner(INetworkRunner fallback) : INetworkRunner
{
    /// <summary>The time the run has left (its deadline): no kernel answer is waited for longer. Null: 5 s per answer.</summary>
    public Func<TimeSpan>? TimeLeft { get; init; }

    public IReadOnlyList<string> Run(IReadOnlyList<NetOp> operations, bool keepGoing = false)
    {
        if (operations.Count == 0) return [];
        var errors = new List<string>();
        using var socket = new RtnetlinkSocket(TimeLeft);
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            try
            {
                Hotplug.StepStop.Before(op.ToString());
                if (!TryApply(socket, indexes, op))
                {
                    var problems = fallback.Run([op], keepGoing);
                    errors.AddRange(problems);
                }
            }
            catch (NetlinkException e)
            {
                if (!keepGoing) throw new NetOpException(i, op, e.Message);
                errors.Add($"{op}: {e.Message}");
            }
            catch (NetOpException e) when (!keepGoing)
            {
                throw new NetOpException(i, op, e.Error);
            }
        }
        return errors;
    }

    public string Query(IReadOnlyList<string> arguments) => fallback.Query(arguments);

    private static bool TryApply(RtnetlinkSocket socket, Dictionary<string, int> indexes, NetOp op)
    {
        int Index(string name)
        {
            if (!indexes.TryGetValue(name, out var index)) indexes[name] = index = socket.IndexOf(name);
            return index;
        }
        Span<byte> u32 = stackalloc byte[4];
        switch (op)
        {
            case LinkDown d:
                socket.SetUp(Index(d.Dev), up: false);
                return true;
            case LinkUp u:
                socket.SetUp(Index(u.Dev), up: true);
                return true;
            case LinkSetMtu m:
                BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)m.Mtu);
                socket.SetAttribute(Index(m.Dev), RtnetlinkSocket.IFLA_MTU, u32);
                return true;
            case LinkSetMaster m:
                BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)Index(m.Bridge));
                socket.SetAttribute(Index(m.Dev), RtnetlinkSocket.IFLA_MASTER, u32);
                return true;
            case LinkSetNoMaster n:
                BinaryPrimitives.WriteUInt32LittleEndian(u32, 0);
                socket.SetAttribute(Index(n.Dev), RtnetlinkSocket.IFLA_MASTER, u32);
                return true;
            case LinkSetMac mac:
                socket.SetAttribute(Index(mac.Dev), RtnetlinkSocket.IFLA_ADDRESS, ParseMac(mac.Mac));
                return true;
            case LinkRename r:
                var index = Index(r.Dev);
                socket.SetAttribute(index, RtnetlinkSocket.IFLA_IFNAME, RtnetlinkSocket.NulTerminated(r.NewName));
                indexes.Remove(r.Dev);
                indexes[r.NewName] = index;
                return true;
            case LinkSetAlias a:
                socket.SetAttribute(Index(a.Dev), RtnetlinkSocket.IFLA_IFALIAS, RtnetlinkSocket.NulTerminated(a.Alias));
                return true;
            case LinkSetIsolated iso:
                socket.SetPortIsolated(Index(iso.Dev), iso.Isolated);
                return true;
            case AddressFlush f:
                socket.FlushAddresses(Index(f.Dev));
                return true;
            case PortVlanAdd v:
                socket.SetPortVlan(Index(v.Dev), Flags(v.Vlan), v.Vlan.Vid, add: true);
                return true;
            case PortVlanDelete v:
                socket.SetPortVlan(Index(v.Dev), 0, v.Vid, add: false);
                return true;
            default:
                return false;
        }
    }

    private static ushort Flags(Core.Vlan.VlanMember vlan) =>
        (ushort)((vlan.Pvid ? Core.Balancing.PortVlan.PvidFlag : 0) | (vlan.Untagged ? Core.Balancing.PortVlan.UntaggedFlag : 0));

    private static byte[] ParseMac(string mac)
    {
        var parts = mac.Split(':');
        var bytes = new byte[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i]))
                throw new NetlinkException($"\"{mac}\" is not a valid MAC address");
        }
        return bytes;
    }
}
