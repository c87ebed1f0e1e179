using System.Text;

namespace XenHotplug.Core.Placement;

/// <summary>
/// sticky: rendezvous (highest-random-weight) hashing of the guest's identity over the pool's bridges.
/// The same guest NIC lands on the same bridge across reboots and on every host with the same config,
/// and adding or removing a bridge moves only the guests that must move. Weights are honoured
/// (score = -weight / ln(u), u the hash as a number in (0,1)).
/// </summary>
public static class StickyStrategy
{
    public static BridgeCandidate Choose(IReadOnlyList<BridgeCandidate> candidates, string identity)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var best = candidates[0];
        var bestScore = Score(identity, best.Name, best.Weight);
        for (var i = 1; i < candidates.Count; i++)
        {
            var score = Score(identity, candidates[i].Name, candidates[i].Weight);
            if (score > bestScore || (score == bestScore && string.CompareOrdinal(candidates[i].Name, best.Name) < 0))
            {
                best = candidates[i];
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>The rendezvous score of a bridge for an identity.</summary>
    public static double Score(string identity, string bridge, double weight)
    {
        var h = Mix(Fnv1a(identity + "\n" + bridge));
        var u = ((h >> 11) + 0.5) / (1UL << 53); // in (0,1)
        return -weight / Math.Log(u);
    }

    /// <summary>The identity hashed: the guest's name (stable across hosts), else its UUID, else its domid; plus the devid.</summary>
    public static string Identity(string? domainName, string? uuid, int domainId, int deviceId) =>
        (domainName ?? uuid ?? "domid-" + domainId) + "/" + deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ulong Fnv1a(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }

    /// <summary>splitmix64's finaliser: spreads FNV's bits evenly.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
