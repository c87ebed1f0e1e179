using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using XenHotplug.Host.Native;

namespace XenHotplug.Host.Balancing;

/// <summary>
/// Announces a guest's MAC on an uplink the way hypervisors do after live migration: a broadcast RARP frame with the
/// guest's MAC as source, sent straight out of the NIC (an AF_PACKET socket), so the upstream switch learns the new
/// port at once without waiting for the guest to speak.
/// </summary>
public static class MacAnnouncer
{
    private const ushort EthPRarp = 0x8035;

    /// <summary>The frame: broadcast destination, the guest's MAC as source, RARP "request reverse" for that MAC.</summary>
    public static byte[] Frame(byte[] mac)
    {
        var frame = new byte[60]; // the minimum Ethernet payload, padded with zeros
        frame.AsSpan(0, 6).Fill(0xff);
        mac.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), EthPRarp);
        var arp = frame.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);          // hardware type: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp[2..], 0x0800); // protocol: IPv4
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp[6..], 3);     // RARP request reverse
        mac.CopyTo(arp[8..]);                                   // sender hardware address
        mac.CopyTo(arp[18..]);                                  // target hardware address
        return frame;
    }

    /// <summary>Sends the announcement <paramref name="count"/> times on <paramref name="device"/>; returns an error text or null.</summary>
    public static unsafe string? Announce(string device, string mac, int ifindex, int count = 2)
    {
        if (ParseMac(mac) is not { } bytes) return $"'{mac}' is not a MAC address";
        var fd = LibC.Socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) return "cannot open a packet socket: " + Marshal.GetLastPInvokeErrorMessage();
        try
        {
            Span<byte> address = stackalloc byte[20]; // struct sockaddr_ll
            BinaryPrimitives.WriteUInt16LittleEndian(address, LibC.AF_PACKET);
            BinaryPrimitives.WriteUInt16BigEndian(address[2..], EthPRarp);
            BinaryPrimitives.WriteInt32LittleEndian(address[4..], ifindex);
            address[11] = 6;
            address[12..18].Fill(0xff);
            var frame = Frame(bytes);
            for (var i = 0; i < count; i++)
            {
                fixed (byte* f = frame)
                fixed (byte* a = address)
                {
                    if (LibC.SendTo(fd, f, frame.Length, 0, a, address.Length) < 0)
                        return $"cannot send on {device}: {Marshal.GetLastPInvokeErrorMessage()}";
                }
            }
            return null;
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    public static byte[]? ParseMac(string mac)
    {
        var parts = mac.Split(':');
        if (parts.Length != 6) return null;
        var bytes = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (parts[i].Length is < 1 or > 2 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i])) return null;
        }
        return bytes;
    }
}
