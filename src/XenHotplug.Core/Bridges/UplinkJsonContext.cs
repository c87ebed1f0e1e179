using System.Text.Json.Serialization;

namespace XenHotplug.Core.Bridges;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<UplinkRecord>))]
public sealed partial class UplinkJsonContext : JsonSerializerContext;
