using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using XenHotplug.Configuration;
using XenHotplug.Net;

namespace XenHotplug.Bridges;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
