using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace XenHotplug.TestSupport;

/// <summary>
/// Writes hand-made Ethernet frames (a VLAN tag, a forged ARP or ND option) onto an interface inside a test's
/// namespace through an AF_PACKET socket: no tool, no python. The socket is opened by a thread of its own that
/// enters the namespace (setns affects only that thread, which then ends), so the test process stays where it is.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static partial class RawFrames
{
    private const int AF_PACKET = 17, SOCK_RAW = 3, CLONE_NEWNET = 0x40000000;

    /// <summary>Sends every frame (destination, source, type, payload: as on the wire, without the FCS) on <paramref name="device"/> in <paramref name="ns"/>.</summary>
    public static void Send(Netns ns, string device, IEnumerable<byte[]> frames)
    {
        var list = frames.ToList();
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                SendHere(ns.Name, device, list);
            }
            catch (InvalidOperationException e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException(failure.Message, failure);
    }

    private static void SendHere(string netns, string device, List<byte[]> frames)
    {
        using (var handle = File.OpenHandle($"/run/netns/{netns}"))
        {
            if (SetNs((int)handle.DangerousGetHandle(), CLONE_NEWNET) != 0) throw new InvalidOperationException($"setns {netns}: errno {Marshal.GetLastPInvokeError()}");
        }
        var fd = Socket(AF_PACKET, SOCK_RAW, 0); // protocol 0: sends, receives nothing
        if (fd < 0) throw new InvalidOperationException($"socket(AF_PACKET): errno {Marshal.GetLastPInvokeError()}");
        try
        {
            var index = IfNameToIndex(device);
            if (index == 0) throw new InvalidOperationException($"no interface {device} in {netns}");
            var address = new byte[20]; // struct sockaddr_ll
            BinaryPrimitives.WriteUInt16LittleEndian(address, AF_PACKET);
            BinaryPrimitives.WriteInt32LittleEndian(address.AsSpan(4), (int)index);
            foreach (var frame in frames)
            {
                if (SendTo(fd, frame, frame.Length, 0, address, address.Length) != frame.Length)
                    throw new InvalidOperationException($"sendto on {device}: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>An Ethernet frame: destination, source, then <paramref name="tags"/> (type, TCI) in order, the ethertype and the payload.</summary>
    public static byte[] Frame(string destination, string source, ushort type, byte[] payload, params (ushort Type, ushort Tci)[] tags)
    {
        var frame = new List<byte>();
        frame.AddRange(Mac(destination));
        frame.AddRange(Mac(source));
        foreach (var (tagType, tci) in tags)
        {
            frame.Add((byte)(tagType >> 8));
            frame.Add((byte)tagType);
            frame.Add((byte)(tci >> 8));
            frame.Add((byte)tci);
        }
        frame.Add((byte)(type >> 8));
        frame.Add((byte)type);
        frame.AddRange(payload);
        while (frame.Count < 60) frame.Add(0);
        return [.. frame];
    }

    /// <summary>An ARP reply (IPv4 over Ethernet) claiming <paramref name="senderIp"/> is at <paramref name="senderMac"/>.</summary>
    public static byte[] ArpReply(string senderMac, string senderIp, string targetMac, string targetIp)
    {
        var arp = new List<byte> { 0, 1, 0x08, 0x00, 6, 4, 0, 2 };
        arp.AddRange(Mac(senderMac));
        arp.AddRange(System.Net.IPAddress.Parse(senderIp).GetAddressBytes());
        arp.AddRange(Mac(targetMac));
        arp.AddRange(System.Net.IPAddress.Parse(targetIp).GetAddressBytes());
        return [.. arp];
    }

    /// <summary>
    /// An IPv6 packet carrying a neighbour advertisement (type 136) or solicitation (135) for <paramref name="target"/>
    /// with one link-layer address option (target for an NA, source for an NS) naming <paramref name="optionMac"/>.
    /// </summary>
    public static byte[] Neighbour(byte icmpType, string source, string destination, string target, string optionMac)
    {
        var icmp = new List<byte> { icmpType, 0, 0, 0, (byte)(icmpType == 136 ? 0x20 : 0), 0, 0, 0 };
        icmp.AddRange(System.Net.IPAddress.Parse(target).GetAddressBytes());
        icmp.Add(icmpType == 136 ? (byte)2 : (byte)1);
        icmp.Add(1);
        icmp.AddRange(Mac(optionMac));
        var src = System.Net.IPAddress.Parse(source).GetAddressBytes();
        var dst = System.Net.IPAddress.Parse(destination).GetAddressBytes();
        // The ICMPv6 checksum over the pseudo-header, so a receiver that checks it sees a valid message.
        var sum = 0u;
        var pseudo = new List<byte>(src);
        pseudo.AddRange(dst);
        pseudo.AddRange([0, 0, (byte)(icmp.Count >> 8), (byte)icmp.Count, 0, 0, 0, 58]);
        pseudo.AddRange(icmp);
        for (var i = 0; i < pseudo.Count; i += 2) sum += (uint)((pseudo[i] << 8) | (i + 1 < pseudo.Count ? pseudo[i + 1] : 0));
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        var checksum = (ushort)~sum;
        icmp[2] = (byte)(checksum >> 8);
        icmp[3] = (byte)checksum;
        var ip6 = new List<byte> { 0x60, 0, 0, 0, (byte)(icmp.Count >> 8), (byte)icmp.Count, 58, 255 };
        ip6.AddRange(src);
        ip6.AddRange(dst);
        ip6.AddRange(icmp);
        return [.. ip6];
    }

    /// <summary>
    /// An IPv6 packet carrying a router advertisement (type 134) from <paramref name="source"/> (a link-local address) to
    /// all nodes: hop limit 64, router lifetime <paramref name="lifetime"/> s, and the source link-layer address option.
    /// </summary>
    public static byte[] RouterAdvert(string source, string mac, ushort lifetime = 1800)
    {
        var body = new List<byte> { 64, 0, (byte)(lifetime >> 8), (byte)lifetime, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 };
        body.AddRange(Mac(mac));
        return Icmp6(134, body, source, "ff02::1");
    }

    /// <summary>An IPv6 packet (hop limit 255) carrying one ICMPv6 message of <paramref name="type"/>, code 0, with its checksum.</summary>
    public static byte[] Icmp6(byte type, IEnumerable<byte> body, string source, string destination)
    {
        var icmp = new List<byte> { type, 0, 0, 0 };
        icmp.AddRange(body);
        var src = System.Net.IPAddress.Parse(source).GetAddressBytes();
        var dst = System.Net.IPAddress.Parse(destination).GetAddressBytes();
        var pseudo = new List<byte>(src);
        pseudo.AddRange(dst);
        pseudo.AddRange([0, 0, (byte)(icmp.Count >> 8), (byte)icmp.Count, 0, 0, 0, 58]);
        pseudo.AddRange(icmp);
        var sum = 0u;
        for (var i = 0; i < pseudo.Count; i += 2) sum += (uint)((pseudo[i] << 8) | (i + 1 < pseudo.Count ? pseudo[i + 1] : 0));
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        var checksum = (ushort)~sum;
        icmp[2] = (byte)(checksum >> 8);
        icmp[3] = (byte)checksum;
        var ip6 = new List<byte> { 0x60, 0, 0, 0, (byte)(icmp.Count >> 8), (byte)icmp.Count, 58, 255 };
        ip6.AddRange(src);
        ip6.AddRange(dst);
        ip6.AddRange(icmp);
        return [.. ip6];
    }

    /// <summary>An IPv6 packet carrying a UDP datagram from port <paramref name="sourcePort"/> (checksum left 0: the guard does not look).</summary>
    public static byte[] Udp6(string source, string destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var udp = new List<byte> { (byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort, (byte)((payload.Length + 8) >> 8), (byte)(payload.Length + 8), 0, 0 };
        udp.AddRange(payload);
        var ip6 = new List<byte> { 0x60, 0, 0, 0, (byte)(udp.Count >> 8), (byte)udp.Count, 17, 64 };
        ip6.AddRange(System.Net.IPAddress.Parse(source).GetAddressBytes());
        ip6.AddRange(System.Net.IPAddress.Parse(destination).GetAddressBytes());
        ip6.AddRange(udp);
        return [.. ip6];
    }

    /// <summary>
    /// An IPv4 packet (TTL 64, header checksummed) carrying one ICMP message of <paramref name="type"/> and
    /// <paramref name="code"/> with its checksum: a receiver's kernel takes it as sent.
    /// </summary>
    public static byte[] Icmp4(byte type, byte code, IEnumerable<byte> body, string source, string destination)
    {
        var icmp = new List<byte> { type, code, 0, 0 };
        icmp.AddRange(body);
        var checksum = Checksum(icmp);
        icmp[2] = (byte)(checksum >> 8);
        icmp[3] = (byte)checksum;
        var length = 20 + icmp.Count;
        var ip = new List<byte> { 0x45, 0, (byte)(length >> 8), (byte)length, 0, 0, 0x40, 0, 64, 1, 0, 0 };
        ip.AddRange(System.Net.IPAddress.Parse(source).GetAddressBytes());
        ip.AddRange(System.Net.IPAddress.Parse(destination).GetAddressBytes());
        var header = Checksum(ip);
        ip[10] = (byte)(header >> 8);
        ip[11] = (byte)header;
        ip.AddRange(icmp);
        return [.. ip];
    }

    /// <summary>
    /// An ICMP redirect for host (code 1): "send what goes to <paramref name="target"/> by <paramref name="gateway"/>",
    /// quoting the header of a packet from <paramref name="victim"/> to the target as the message must.
    /// </summary>
    public static byte[] IcmpRedirect(string source, string victim, string gateway, string target)
    {
        var body = new List<byte>(System.Net.IPAddress.Parse(gateway).GetAddressBytes());
        var quoted = new List<byte> { 0x45, 0, 0, 28, 0, 0, 0x40, 0, 64, 17, 0, 0 };
        quoted.AddRange(System.Net.IPAddress.Parse(victim).GetAddressBytes());
        quoted.AddRange(System.Net.IPAddress.Parse(target).GetAddressBytes());
        var header = Checksum(quoted);
        quoted[10] = (byte)(header >> 8);
        quoted[11] = (byte)header;
        body.AddRange(quoted);
        body.AddRange([0x30, 0x39, 0, 53, 0, 8, 0, 0]); // the quoted packet's first 8 bytes: a UDP header
        return Icmp4(5, 1, body, source, victim);
    }

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/>.</summary>
    private static ushort Checksum(List<byte> data)
    {
        var sum = 0u;
        for (var i = 0; i < data.Count; i += 2) sum += (uint)((data[i] << 8) | (i + 1 < data.Count ? data[i + 1] : 0));
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    public static byte[] Mac(string mac) => mac.Split(':').Select(p => Convert.ToByte(p, 16)).ToArray();

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint IfNameToIndex(string name);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    private static partial nint SendTo(int fd, byte[] buffer, nint length, int flags, byte[] address, int addressLength);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
