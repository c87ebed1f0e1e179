using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using XenHotplug.Configuration;
using XenHotplug.Net;

namespace XenHotplug.Bridges;

/// <summary>The --json document.</summary>
public sealed record StatusDocument(bool Healthy, IReadOnlyList<BridgeStatus> Bridges);
