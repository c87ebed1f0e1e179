using System.Text.Json.Serialization;

namespace XenHotplug.Core.Bridges;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JournalRecord))]
public sealed partial class JournalJsonContext : JsonSerializerContext;
