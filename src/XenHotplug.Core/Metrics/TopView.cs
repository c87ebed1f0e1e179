using System.Globalization;
using System.Text;

namespace XenHotplug.Core.Metrics;

/// <summary>
/// The screen of `network-multibridge top`: a title line, each bridge with its uplink's receive and transmit rates and
/// a bar of its busier direction against the link speed, the guests sorted by traffic, and the balancer's last
/// moves. Rates come from two samples <c>seconds</c> apart. Every line fits <c>width</c> columns (80 by design)
/// and the screen <c>height</c> lines (guests beyond it are counted, not listed). Names are shown with control
/// characters replaced by '?': a guest's name never drives the terminal.
/// </summary>
public static class TopView
{
    private const int BarCells = 12;
    private const int MovesShown = 5;

    public static IReadOnlyList<string> Render(MetricsInput now, MetricsInput? before, double seconds, DateTimeOffset at, double interval, int width = 80, int height = int.MaxValue)
    {
        var bridges = now.Status.Bridges;
        var guestCount = bridges.Sum(b => b.Guests.Count);
        var lines = new List<string>
        {
            Title($"network-multibridge top: {Count(bridges.Count, "bridge")}, {Count(guestCount, "guest")}, every {Number(interval)} s", at.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC", width),
            "",
            Row(["BRIDGE", "UPLINK", "CAR", "SPEED", "RX Mb/s", "TX Mb/s", "GST", "LOAD", "HEALTH"], BridgeColumns),
        };
        var rates = bridges.Select(b => (Rx: Rate(now, before, b.Uplink, x => x.Received, seconds), Tx: Rate(now, before, b.Uplink, x => x.Transmitted, seconds))).ToList();
        var busiest = rates.Select(r => Math.Max(r.Rx ?? 0, r.Tx ?? 0)).DefaultIfEmpty(0).Max();
        for (var i = 0; i < bridges.Count; i++)
        {
            var b = bridges[i];
            var (rx, tx) = rates[i];
            var busy = Math.Max(rx ?? 0, tx ?? 0);
            var share = b.SpeedMbps is > 0 ? busy / b.SpeedMbps.Value : busiest > 0 ? busy / busiest : 0;
            lines.Add(Row([
                b.Name, b.Uplink ?? "-", b.Carrier switch { true => "yes", false => "no", null => "-" },
                b.SpeedMbps is { } s ? (s >= 1000 && s % 1000 == 0 ? $"{s / 1000}G" : $"{s}M") : "-",
                Mbps(rx), Mbps(tx), b.Guests.Count.ToString(CultureInfo.InvariantCulture),
                rx is null && tx is null ? "" : Bar(share), b.Uplink is null ? b.Health : b.Health.Replace($"uplink {b.Uplink} ", "", StringComparison.Ordinal)], BridgeColumns));
        }
        if (bridges.Count == 0) lines.Add("(no bridges declared)");

        var moves = now.Balancer?.Moves.OrderByDescending(m => m.At).Take(MovesShown).ToList() ?? [];
        var movesLines = moves.Count == 0 ? 0 : moves.Count + 2;
        lines.Add("");
        lines.Add(Row(["GUEST", "DOMAIN", "DOMID", "BRIDGE", "SENT Mb/s", "RECV Mb/s"], GuestColumns));
        var guests = bridges.SelectMany(b => b.Guests.Select(vif =>
        {
            var id = now.Guests.TryGetValue(vif, out var known) ? known : new GuestIdentity(null, "");
            // The vif's receive is what the guest sent.
            return (Vif: vif, Id: id, Bridge: b.Name, Sent: Rate(now, before, vif, x => x.Received, seconds), Received: Rate(now, before, vif, x => x.Transmitted, seconds));
        })).OrderByDescending(g => (g.Sent ?? 0) + (g.Received ?? 0)).ThenBy(g => g.Vif, StringComparer.Ordinal).ToList();
        var room = Math.Max(1, height - lines.Count - movesLines);
        var shown = guests.Count <= room ? guests.Count : room - 1;
        foreach (var g in guests.Take(shown))
            lines.Add(Row([g.Vif, g.Id.Domain.Length > 0 ? g.Id.Domain : "-", g.Id.Domid?.ToString(CultureInfo.InvariantCulture) ?? "-", g.Bridge, Mbps(g.Sent), Mbps(g.Received)], GuestColumns));
        if (guests.Count == 0) lines.Add("(no guests)");
        else if (shown < guests.Count) lines.Add($"... {guests.Count - shown} more");

        if (moves.Count > 0)
        {
            lines.Add("");
            lines.Add("LAST MOVES");
            foreach (var m in moves)
                lines.Add($"{m.At.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}  {Shown(m.Vif)} {Shown(m.From)} -> {Shown(m.To)}  {StatusMetrics.Reason(m.Kind)}");
        }
        return [.. lines.Select(l => Fit(l, width))];
    }

    /// <summary>The plain text of the screen (one refresh), each line ending in a line feed.</summary>
    public static string Text(IReadOnlyList<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    // Column widths; the last column takes what is left of the line.
    private static readonly int[] BridgeColumns = [8, 9, 3, 5, 7, 7, 3, BarCells + 2, 0];
    private static readonly int[] GuestColumns = [14, 20, 5, 10, 10, 10];

    private static string Row(IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = Shown(cells[i]);
            var w = widths[i];
            if (w == 0)
            {
                line.Append(cell);
                break;
            }
            var numeric = i > 3 && cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell == "-");
            var fitted = cell.Length > w ? cell[..(w - 1)] + "~" : cell;
            line.Append(numeric ? fitted.PadLeft(w) : fitted.PadRight(w)).Append(' ');
        }
        return line.ToString().TrimEnd();
    }

    private static string Title(string left, string right, int width) =>
        left.Length + 1 + right.Length <= width ? left + new string(' ', width - left.Length - right.Length) + right : left;

    private static string Fit(string line, int width) => line.Length <= width ? line : line[..Math.Max(0, width - 1)] + "~";

    /// <summary>Control characters (C0, DEL, C1) as '?': what a hostile guest name could use to move the cursor or retitle the terminal.</summary>
    public static string Shown(string text)
    {
        if (!text.Any(c => c < ' ' || (c >= '\x7f' && c <= '\x9f'))) return text;
        return new string([.. text.Select(c => c < ' ' || (c >= '\x7f' && c <= '\x9f') ? '?' : c)]);
    }

    private static string Bar(double share)
    {
        var cells = (int)Math.Round(Math.Clamp(share, 0, 1) * BarCells);
        if (cells == 0 && share >= 0.01) cells = 1; // a visible 1 %, not the idle chatter of ARP
        return "[" + new string('#', cells) + new string('.', BarCells - cells) + "]";
    }

    /// <summary>Mbit/s of one counter between the samples; null when either sample lacks the device (or it was reset).</summary>
    private static double? Rate(MetricsInput now, MetricsInput? before, string? dev, Func<DeviceBytes, long> pick, double seconds)
    {
        if (before is null || dev is null || seconds <= 0) return null;
        if (!now.Bytes.TryGetValue(dev, out var a) || !before.Bytes.TryGetValue(dev, out var b)) return null;
        var delta = pick(a) - pick(b);
        return delta < 0 ? null : delta * 8 / 1e6 / seconds;
    }

    private static string Mbps(double? rate) => rate is { } r ? r.ToString(r >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) : "-";

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
