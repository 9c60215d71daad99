using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using EmailIntegration.Domain.Events;
using EmailIntegration.Vendors.Parsing;

namespace EmailIntegration.Vendors.RealMagnet;

/// <summary>
/// One Real Magnet link-click row, read and validated (see <see cref="RealMagnetRowReader"/>): either a rejection, an error to
/// rethrow where an element-based read would have thrown it (invalid UTF-8 in a value it read), or the values of the event.
/// The directory look-ups (individual, mailing) are left to the async part of the parser.
/// </summary>
internal sealed record RealMagnetRow(int Index)
{
    public string? Reject { get; init; }

    public ExceptionDispatchInfo? Error { get; init; }

    public TrackingEventKind Kind { get; init; }

    public string MessageId { get; init; } = string.Empty;

    public string RecipientId { get; init; } = string.Empty;

    public DateTimeOffset OccurredAt { get; init; }

    public string? Url { get; init; }

    public string? LinkLabel { get; init; }

    /// <summary>0-based index of the record in the file's records array.</summary>
    public string Position => string.Create(CultureInfo.InvariantCulture, $"record {Index}");
}

/// <summary>
/// Reads GetMessageLinkTracking rows (flat objects, 2,000 a page) straight from the <see cref="Utf8JsonReader"/>, with no <see cref="JsonElement"/> per row:
/// one pass collects the row's properties (names and values unescaped into a reused char buffer), then the same rules as the
/// element-based parser apply, with the same field look-up semantics as <see cref="RealMagnetJson.TryGet"/> over
/// <see cref="JsonElement"/> (exact alias names first, in alias order, the last duplicate winning; then the first property
/// in document order matching any alias case-insensitively; JSON null skipped), the same reasons, and invalid UTF-8 failing a
/// row only when a value or name the rules read is invalid. Repeated values are interned per parse.
/// </summary>
internal sealed class RealMagnetRowReader : IJsonRecordFactory<RealMagnetRow>
{
    private static readonly string[] LinkUrl = ["LinkURL", "LinkUrl", "URL", "Url"];
    private static readonly string[] LinkLabel = ["LinkLabel"];
    private static readonly string[] LinkText = ["LinkText"];

    private readonly StringCache strings = new();
    private readonly Dictionary<long, string> numbers = [];
    private Prop[] props = new Prop[16];
    private int count;
    private char[] chars = new char[1024];
    private int used;

    public bool TryRead(ref Utf8JsonReader reader, int index, IReadOnlyDictionary<string, JsonElement> header, out RealMagnetRow record)
    {
        record = null!;
        count = 0;
        used = 0;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var found = KindOf(reader.TokenType);
            if (reader.TokenType == JsonTokenType.StartArray && !reader.TrySkip())
            {
                return false;
            }

            record = new RealMagnetRow(index) { Reject = $"expected a JSON object, found {found}" };
            return true;
        }

        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var prop = default(Prop);
            prop.NameError = Capture(ref reader, out prop.NameStart, out prop.NameLength);
            if (!reader.Read())
            {
                return false;
            }

            prop.Kind = KindOf(reader.TokenType);
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (!reader.TrySkip())
                {
                    return false;
                }
            }
            else if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
            {
                prop.ValueError = Capture(ref reader, out prop.ValueStart, out prop.ValueLength);
            }

            if (count == props.Length)
            {
                Array.Resize(ref props, count * 2);
            }

            props[count++] = prop;
        }

        try
        {
            record = Click(index, header);
        }
        catch (InvalidOperationException ex)
        {
            // Where JsonElement.GetString (or a property's Name) would have thrown: rethrown by the parser, as before.
            record = new RealMagnetRow(index) { Error = ExceptionDispatchInfo.Capture(ex) };
        }

        return true;
    }

    private RealMagnetRow Click(int index, IReadOnlyDictionary<string, JsonElement> header)
    {
        if (!TryCommon(header, out var messageId, out var recipientId, out var occurredAt, out var reason))
        {
            return new RealMagnetRow(index) { Reject = reason };
        }

        var url = TryGet(LinkUrl);
        if (url < 0 || props[url].Kind != JsonValueKind.String || Chars(url).IsWhiteSpace())
        {
            return new RealMagnetRow(index) { Reject = "missing LinkURL" };
        }

        return new RealMagnetRow(index)
        {
            Kind = TrackingEventKind.LinkClicked,
            MessageId = messageId,
            RecipientId = recipientId,
            OccurredAt = occurredAt,
            Url = strings.Get(Chars(url).Trim()),
            LinkLabel = GetText(LinkLabel) ?? GetText(LinkText),
        };
    }

    /// <summary>As the element parser's TryCommon: MessageID (row, else wrapper), RecipientID and the date, each validated.</summary>
    private bool TryCommon(
        IReadOnlyDictionary<string, JsonElement> header, out string messageId, out string recipientId, out DateTimeOffset occurredAt,
        out string reason)
    {
        messageId = recipientId = string.Empty;
        occurredAt = default;
        long message;
        var value = TryGet(RealMagnetJson.MessageId);
        if (value >= 0)
        {
            if (!TryGetInt64(value, out message))
            {
                reason = $"MessageID is {Describe(value)}, not a whole number";
                return false;
            }
        }
        else if (RealMagnetTrackingParser.TryHeader(header, RealMagnetJson.MessageId, out var element))
        {
            if (!RealMagnetJson.TryGetInt64(element, out message))
            {
                reason = $"MessageID is {RealMagnetTrackingParser.Describe(element)}, not a whole number";
                return false;
            }
        }
        else
        {
            reason = "missing MessageID";
            return false;
        }

        value = TryGet(RealMagnetJson.RecipientId);
        if (value < 0)
        {
            reason = "missing RecipientID";
            return false;
        }

        if (!TryGetInt64(value, out var recipient))
        {
            reason = $"RecipientID is {Describe(value)}, not a whole number";
            return false;
        }

        value = TryGet(RealMagnetJson.ActivityDate);
        if (value < 0)
        {
            reason = "missing date (ActivityDate/Date)";
            return false;
        }

        string dateError;
        if (props[value].Kind != JsonValueKind.String)
        {
            dateError = $"is {props[value].Kind}, not a date string";
        }
        else if (RealMagnetJson.TryParseDate(Chars(value), out occurredAt, out dateError))
        {
            messageId = Number(message);
            recipientId = Number(recipient);
            reason = string.Empty;
            return true;
        }

        reason = $"bad date: {dateError}";
        return false;
    }

    /// <summary>
    /// <see cref="RealMagnetJson.TryGet"/>'s rules over the collected properties: the index of the property, or -1.
    /// </summary>
    private int TryGet(string[] names)
    {
        foreach (var name in names)
        {
            // JsonElement.TryGetProperty: the last property of that exact name; a null there does not fall back to an earlier one.
            for (var i = count - 1; i >= 0; i--)
            {
                if (props[i].NameError is null && Name(i).SequenceEqual(name))
                {
                    if (props[i].Kind is not JsonValueKind.Null)
                    {
                        return i;
                    }

                    break;
                }
            }
        }

        for (var i = 0; i < count; i++)
        {
            // JsonProperty.Name throws for a name that is not valid UTF-8: so does this, at the same point.
            props[i].NameError?.Throw();
            foreach (var name in names)
            {
                if (Name(i).Equals(name, StringComparison.OrdinalIgnoreCase) && props[i].Kind is not JsonValueKind.Null)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary><see cref="RealMagnetJson.GetText"/>: trimmed non-blank string, or a number's text; else null. Interned.</summary>
    private string? GetText(string[] names)
    {
        var i = TryGet(names);
        if (i < 0)
        {
            return null;
        }

        var text = TextOf(i);
        return text.IsEmpty ? null : strings.Get(text);
    }

    /// <summary><see cref="RealMagnetJson.AsText"/>'s text as a span (empty when it would be null); throws where GetString would.</summary>
    private ReadOnlySpan<char> TextOf(int i) => props[i].Kind switch
    {
        JsonValueKind.String => Chars(i).Trim(),
        JsonValueKind.Number => Chars(i),
        _ => default,
    };

    private bool TryGetInt64(int i, out long result)
    {
        result = 0;
        return props[i].Kind switch
        {
            JsonValueKind.Number or JsonValueKind.String =>
                long.TryParse(Chars(i), props[i].Kind == JsonValueKind.Number ? NumberStyles.AllowLeadingSign : NumberStyles.Integer,
                    CultureInfo.InvariantCulture, out result),
            _ => false,
        };
    }

    private string Describe(int i)
    {
        if (props[i].Kind != JsonValueKind.String)
        {
            return props[i].Kind.ToString();
        }

        var text = Chars(i);
        return $"'{(text.Length > 32 ? text[..32] : text)}'";
    }

    private string Number(long value)
    {
        if (!numbers.TryGetValue(value, out var text))
        {
            text = value.ToString(CultureInfo.InvariantCulture);
            if (numbers.Count < 8192)
            {
                numbers[value] = text;
            }
        }

        return text;
    }

    private ReadOnlySpan<char> Name(int i) => chars.AsSpan(props[i].NameStart, props[i].NameLength);

    /// <summary>A string or number value's text; throws where JsonElement.GetString would (invalid UTF-8).</summary>
    private ReadOnlySpan<char> Chars(int i)
    {
        props[i].ValueError?.Throw();
        return chars.AsSpan(props[i].ValueStart, props[i].ValueLength);
    }

    /// <summary>
    /// Unescapes and transcodes the current name, string or number into the char buffer; returns the exception
    /// GetString would throw for it (kept until the text is read), or null.
    /// </summary>
    private ExceptionDispatchInfo? Capture(ref Utf8JsonReader reader, out int start, out int length)
    {
        var bytes = reader.ValueSpan.Length;
        if (chars.Length - used < bytes)
        {
            Array.Resize(ref chars, Math.Max(chars.Length * 2, used + bytes));
        }

        start = used;
        length = 0;
        try
        {
            if (reader.ValueIsEscaped)
            {
                length = reader.CopyString(chars.AsSpan(used));
            }
            else if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
            {
                // What GetString throws for it (numbers are always ASCII).
                throw new InvalidOperationException(
                    "Cannot transcode invalid UTF-8 JSON text to UTF-16 string.", new DecoderFallbackException());
            }
            else
            {
                length = Encoding.UTF8.GetChars(reader.ValueSpan, chars.AsSpan(used));
            }
        }
        catch (InvalidOperationException ex)
        {
            length = 0;
            return ExceptionDispatchInfo.Capture(ex);
        }

        used += length;
        return null;
    }

    private static JsonValueKind KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        JsonTokenType.Null => JsonValueKind.Null,
        _ => JsonValueKind.Undefined,
    };

    private struct Prop
    {
        public int NameStart;
        public int NameLength;
        public ExceptionDispatchInfo? NameError;
        public JsonValueKind Kind;
        public int ValueStart;
        public int ValueLength;
        public ExceptionDispatchInfo? ValueError;
    }
}
