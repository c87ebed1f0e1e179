namespace XenHotplug.Core.Firewall;

/// <summary>
/// One rule of a guard: its expressions (what the kernel runs), how `nft list` prints it (without the counter's
/// values), and the comment nft shows, stored as the rule's userdata.
/// </summary>
public sealed record GuardRule(string Text, IReadOnlyList<NftExpr> Expressions, string? Comment)
{
    /// <summary>The rule as `nft list` shows it, comment included: what explain prints.</summary>
    public string Listing => Comment is null ? Text : $"{Text} comment \"{Comment}\"";

    public override string ToString() => Listing;
}
