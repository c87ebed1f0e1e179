using System.Text.Json;
using System.Text.Json.Serialization;

namespace XenHotplug.Bridges;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<UplinkRecord>))]
internal sealed partial class UplinkJsonContext : JsonSerializerContext;
