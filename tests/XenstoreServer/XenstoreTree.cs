namespace XenHotplug.XenstoreServer;

/// <summary>
/// The node tree, addressed by validated absolute paths. Mutations report the paths they touched
/// (the node, nodes created or removed, and the parent whose child list changed) for conflict detection.
/// Not thread-safe: the server serializes access.
/// </summary>
internal sealed class XenstoreTree
{
    private readonly XenstoreNode _root;

    public XenstoreTree() => _root = new XenstoreNode();

    private XenstoreTree(XenstoreNode root) => _root = root;

    public XenstoreTree Clone() => new(_root.DeepClone());

    public XenstoreNode? Find(string path)
    {
        var node = _root;
        foreach (var name in XenstorePath.Split(path))
        {
            if (!node.Children.TryGetValue(name, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>Sets a node's value, creating missing parents.</summary>
    public void Write(string path, string value, ICollection<string> touched)
    {
        GetOrCreate(path, touched).Value = value;
        touched.Add(path);
    }

    /// <summary>Creates a node (and parents) when missing; an existing node is left alone.</summary>
    public void Mkdir(string path, ICollection<string> touched) => GetOrCreate(path, touched);

    /// <summary>Removes a node and its subtree; false when it does not exist.</summary>
    public bool Remove(string path, ICollection<string> touched)
    {
        string parentPath = XenstorePath.Parent(path);
        var parent = Find(parentPath);
        string name = path[(path.LastIndexOf('/') + 1)..];
        if (parent is null || !parent.Children.TryGetValue(name, out var node))
        {
            return false;
        }

        parent.Children.Remove(name);
        touched.Add(parentPath);
        AddSubtree(path, node, touched);
        return true;
    }

    /// <summary>The paths of a node and all its descendants.</summary>
    public static void AddSubtree(string path, XenstoreNode node, ICollection<string> paths)
    {
        paths.Add(path);
        foreach (var (name, child) in node.Children)
        {
            AddSubtree(XenstorePath.Combine(path, name), child, paths);
        }
    }

    private XenstoreNode GetOrCreate(string path, ICollection<string> touched)
    {
        var node = _root;
        string current = "/";
        foreach (var name in XenstorePath.Split(path))
        {
            string childPath = XenstorePath.Combine(current, name);
            if (!node.Children.TryGetValue(name, out var child))
            {
                child = new XenstoreNode();
                node.Children.Add(name, child);
                touched.Add(current);
                touched.Add(childPath);
            }

            node = child;
            current = childPath;
        }

        return node;
    }
}
