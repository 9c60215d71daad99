using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;

namespace EmailIntegration.IntegrationTests.Http;

/// <summary>
/// Checks a real response against the served OpenAPI document: finds the operation by path
/// template, the response by status code and the media type, then walks the JSON against the
/// schema (references, types with null, required and unexpected properties, array items, formats,
/// patterns, ranges). Returns every violation with its JSON path.
/// </summary>
internal sealed class OpenApiResponseValidator(OpenApiDocument document)
{
    public OpenApiDocument Document { get; } = document;

    public static OpenApiResponseValidator Parse(string json)
    {
        var read = OpenApiDocument.Parse(json, "json");
        if (read.Diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException("The OpenAPI document has errors: " + string.Join("; ", read.Diagnostic.Errors.Select(e => e.Message)));
        }

        return new OpenApiResponseValidator(read.Document!);
    }

    /// <summary>The operation's declared response, or a violation when the route, status or media type is not described.</summary>
    public IReadOnlyList<string> Validate(string path, int status, string? mediaType, string body)
    {
        var operation = FindOperation(path);
        if (operation is null)
        {
            return [$"no GET operation describes {path}"];
        }

        if (operation.Responses?.TryGetValue(status.ToString(CultureInfo.InvariantCulture), out var response) != true || response is null)
        {
            return [$"{path}: status {status} is not described"];
        }

        if (mediaType is null || response.Content?.TryGetValue(mediaType, out var media) != true || media?.Schema is null)
        {
            return [$"{path}: {status} {mediaType} is not described"];
        }

        if (mediaType == "text/html")
        {
            return [];
        }

        using var json = JsonDocument.Parse(body);
        var errors = new List<string>();
        Walk(media.Schema, json.RootElement, "$", errors);
        return errors;
    }

    /// <summary>The query parameters the operation declares.</summary>
    public IReadOnlySet<string> QueryParameters(string path) =>
        FindOperation(path)?.Parameters?.Where(p => p.In == ParameterLocation.Query).Select(p => p.Name!).ToHashSet() ?? [];

    private OpenApiOperation? FindOperation(string path)
    {
        var segments = path.Split('?')[0].Trim('/').Split('/');
        foreach (var (template, item) in Document.Paths)
        {
            var parts = ("/api" + template).Trim('/').Split('/');
            if (parts.Length == segments.Length
                && parts.Zip(segments).All(p => p.First.StartsWith('{') || string.Equals(p.First, p.Second, StringComparison.Ordinal))
                && item.Operations?.TryGetValue(HttpMethod.Get, out var operation) == true)
            {
                return operation;
            }
        }

        return null;
    }

    private static void Walk(IOpenApiSchema schema, JsonElement value, string at, List<string> errors)
    {
        var type = schema.Type;
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (type is { } t && !t.HasFlag(JsonSchemaType.Null))
            {
                errors.Add($"{at}: null where {t} is required");
            }

            return;
        }

        if (type is { } expected && !Matches(expected, value))
        {
            errors.Add($"{at}: {value.ValueKind} where {expected} is required");
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var required in schema.Required ?? new HashSet<string>())
                {
                    if (!value.TryGetProperty(required, out _))
                    {
                        errors.Add($"{at}: required property '{required}' is missing");
                    }
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (schema.Properties?.TryGetValue(property.Name, out var propertySchema) == true)
                    {
                        Walk(propertySchema, property.Value, $"{at}.{property.Name}", errors);
                    }
                    else if (!schema.AdditionalPropertiesAllowed)
                    {
                        errors.Add($"{at}: property '{property.Name}' is not described");
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var element in value.EnumerateArray())
                {
                    if (schema.Items is { } items)
                    {
                        Walk(items, element, $"{at}[{index}]", errors);
                    }

                    index++;
                }

                break;
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (schema.Format == "date-time" && !DateTimeOffset.TryParseExact(
                    text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    errors.Add($"{at}: '{text}' is not an RFC 3339 date-time");
                }

                if (schema.Pattern is { } pattern && !Regex.IsMatch(text, pattern))
                {
                    errors.Add($"{at}: does not match {pattern}");
                }

                break;
            case JsonValueKind.Number:
                if (schema.Format == "int32" && !value.TryGetInt32(out _))
                {
                    errors.Add($"{at}: not an int32");
                }

                var number = value.GetDecimal();
                if (schema.Minimum is { } min && number < decimal.Parse(min, CultureInfo.InvariantCulture))
                {
                    errors.Add($"{at}: below {min}");
                }

                if (schema.Maximum is { } max && number > decimal.Parse(max, CultureInfo.InvariantCulture))
                {
                    errors.Add($"{at}: above {max}");
                }

                break;
        }
    }

    private static bool Matches(JsonSchemaType type, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => type.HasFlag(JsonSchemaType.Object),
        JsonValueKind.Array => type.HasFlag(JsonSchemaType.Array),
        JsonValueKind.String => type.HasFlag(JsonSchemaType.String),
        JsonValueKind.True or JsonValueKind.False => type.HasFlag(JsonSchemaType.Boolean),
        JsonValueKind.Number => type.HasFlag(JsonSchemaType.Number)
            || (type.HasFlag(JsonSchemaType.Integer) && value.TryGetInt64(out _)),
        _ => false,
    };
}
