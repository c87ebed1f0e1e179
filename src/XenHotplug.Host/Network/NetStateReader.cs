using XenHotplug.Core.Network;

namespace XenHotplug.Host.Network;

/// <summary>
/// Observes the network for the core (<see cref="NetState"/>): every link with its addresses and routes, or only the
/// named ones. `status` reads only its bridges and uplinks, so what it costs does not grow with the guests attached
/// (`ip -j -d address show` of a host with 1024 guest vifs is 1.2 MB of JSON).
/// </summary>
public static class NetStateReader
{
    /// <summary>Every link, with three `ip` queries.</summary>
    public static NetState Read(INetworkRunner runner) =>
        NetState.Parse(runner.Query(["-j", "-d", "address", "show"]), Routes(runner, "-4"), Routes(runner, "-6"));

    /// <summary>
    /// Only the links named in <paramref name="names"/> that exist (<paramref name="exists"/> says which: a missing one
    /// is simply not in the state), one `ip -j -d address show dev NAME` each, and the routes.
    /// </summary>
    public static NetState Read(INetworkRunner runner, IEnumerable<string> names, Func<string, bool> exists)
    {
        var arrays = new List<string>();
        var wanted = names.Where(n => !string.IsNullOrEmpty(n)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in wanted)
        {
            if (exists(name)) Add(arrays, runner.Query(["-j", "-d", "address", "show", "dev", name]));
        }
        var state = NetState.Parse(Join(arrays), "[]", "[]");
        // The slaves of a bond among them (an uplink, or a VLAN uplink's parent): its health and speed are theirs.
        foreach (var bond in state.Links.Where(l => l.IsBond).Select(l => l.Name).ToList())
            Add(arrays, runner.Query(["-j", "-d", "address", "show", "master", bond]));
        return NetState.Parse(Join(arrays), Routes(runner, "-4"), Routes(runner, "-6"));
    }

    private static void Add(List<string> arrays, string json)
    {
        json = json.Trim();
        if (json.Length > 2 && json[0] == '[' && json[^1] == ']' && json[1..^1].Trim().Length > 0) arrays.Add(json[1..^1]);
    }

    private static string Join(List<string> arrays) => "[" + string.Join(',', arrays) + "]";

    private static string Routes(INetworkRunner runner, string family) => runner.Query(["-j", family, "route", "show", "table", "main"]);
}
