using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace XenHotplug.Core.Status;

/// <summary>The --json document.</summary>
public sealed record StatusDocument(bool Healthy, IReadOnlyList<BridgeStatus> Bridges);
