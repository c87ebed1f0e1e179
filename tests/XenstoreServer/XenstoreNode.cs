namespace XenHotplug.XenstoreServer;

/// <summary>One node of the store: a value, permissions and ordered children.</summary>
internal sealed class XenstoreNode
{
    public string Value { get; set; } = string.Empty;

    public IReadOnlyList<string> Permissions { get; set; } = ["n0"];

    public OrderedDictionary<string, XenstoreNode> Children { get; } = new(StringComparer.Ordinal);

    public XenstoreNode DeepClone()
    {
        var copy = new XenstoreNode { Value = Value, Permissions = Permissions };
        foreach (var (name, child) in Children)
        {
            copy.Children.Add(name, child.DeepClone());
        }

        return copy;
    }
}
