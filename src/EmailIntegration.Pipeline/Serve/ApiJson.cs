using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>The API's JSON: camelCase, enums as strings, times as ISO-8601 UTC with a 'Z'.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new UtcDateTimeOffsetConverter() },
    };

    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        /// <summary>
        /// A malformed time is a <see cref="JsonException"/> (the callers' 400), never a FormatException: that would be a
        /// 500 whose logged message quotes the submitted value, which can be anything, an e-mail address included.
        /// </summary>
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
            && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time.ToUniversalTime()
                : throw new JsonException("Expected an ISO-8601 date-time.");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
