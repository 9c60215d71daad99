using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmailIntegration.Azure.Store;

/// <summary>
/// How documents are stored: camelCase, and times as fixed-width UTC strings so that string
/// comparison in a query (ORDER BY, from/to filters) is time order.
/// </summary>
public static class DocumentJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Cosmos appends its own properties (_rid, _etag, …) and may not keep "type" first.
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(), new FixedWidthUtcConverter() },
    };

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private sealed class FixedWidthUtcConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Format(value));
    }
}
