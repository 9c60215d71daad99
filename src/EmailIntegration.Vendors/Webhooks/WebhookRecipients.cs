using System.Globalization;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Pipeline.FanOut;
using EmailIntegration.Vendors.Parsing;

namespace EmailIntegration.Vendors.Webhooks;

/// <summary>
/// Who a webhook event is about, for one parse call: the AMS id we attached at send time (custom argument, user variable,
/// metadata or message tag), else the vendor directory's entry for the address's hash, else nobody (unmatched, kept in
/// quarantine as for every vendor). Look-ups are cached for the call; addresses are only ever hashed.
/// </summary>
internal sealed class WebhookRecipients(IVendorDirectory directory, string service, CancellationToken cancellationToken)
{
    private readonly Dictionary<string, string?> individuals = new(StringComparer.Ordinal);
    private readonly EmailHashCache emails = new();

    public string? Hash(string? email) => email is null ? null : emails.Of(email);

    public async ValueTask<string?> IndividualAsync(string? attached, string? emailHash)
    {
        if (attached?.Trim() is { Length: > 0 } id)
        {
            return id;
        }

        if (emailHash is null)
        {
            return null;
        }

        if (!individuals.TryGetValue(emailHash, out var individual))
        {
            individual = await directory.FindIndividualAsync(service, emailHash, cancellationToken);
            individuals[emailHash] = individual;
        }

        return individual;
    }
}

/// <summary>Small, forgiving readers of the services' JSON, and the bounce wording shared by all four.</summary>
internal static class WebhookJson
{
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;

    public static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    public static bool? Flag(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
                _ => null,
            }
            : null;

    /// <summary>Unix seconds (integer or fractional, number or string) as UTC.</summary>
    public static DateTimeOffset? UnixTime(JsonElement element, string name)
    {
        var text = Text(element, name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 1e11
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000))
            : null;
    }

    /// <summary>An ISO 8601 time with its offset, as UTC.</summary>
    public static DateTimeOffset? IsoTime(JsonElement element, string name) =>
        DateTimeOffset.TryParse(Text(element, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;

    /// <summary>Whether a bounce's status or text says the mailbox does not exist (RFC 3463 5.1.1 and the usual wording).</summary>
    public static bool IsUserUnknown(params string?[] texts) => texts.Any(text => text is not null && (
        text.Contains("5.1.1", StringComparison.Ordinal)
        || text.Contains("user unknown", StringComparison.OrdinalIgnoreCase)
        || text.Contains("unknown user", StringComparison.OrdinalIgnoreCase)
        || text.Contains("unknown recipient", StringComparison.OrdinalIgnoreCase)
        || text.Contains("no such user", StringComparison.OrdinalIgnoreCase)
        || text.Contains("mailbox not found", StringComparison.OrdinalIgnoreCase)
        || text.Contains("does not exist", StringComparison.OrdinalIgnoreCase)));

    /// <summary>A vendor's free text for a reason field: bounded, and with no address in it.</summary>
    public static string? Reason(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Contains('@', StringComparison.Ordinal) ? "[address]" : w);
        var joined = string.Join(' ', words);
        return joined.Length <= 300 ? joined : joined[..300] + "…";
    }

    /// <summary>
    /// An event id: deterministic from what the service says about the event, its own id when it has one. The recipient is
    /// the address's hash when the service sent one, else the AMS id (a parser rejects an event with neither).
    /// </summary>
    public static string EventId(
        string service, string mailingId, string? emailHash, string? individualId, TrackingEventKind kind, DateTimeOffset at, string? discriminator) =>
        EventIdentity.For(service, mailingId, emailHash is null ? individualId! : "email:" + emailHash, kind, at, discriminator);

    public static async Task<JsonDocument> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(content, new JsonDocumentOptions { MaxDepth = 32 }, cancellationToken);
        }
        catch (JsonException ex)
        {
            // The reader's message can echo the body; say only where it broke.
            throw new Pipeline.FanOut.UnreadableFileException($"The webhook body is not JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine}).");
        }
    }
}
