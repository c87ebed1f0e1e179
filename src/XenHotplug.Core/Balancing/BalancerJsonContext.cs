using System.Text.Json.Serialization;

namespace XenHotplug.Core.Balancing;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BalancerRecord))]
public sealed partial class BalancerJsonContext : JsonSerializerContext;
