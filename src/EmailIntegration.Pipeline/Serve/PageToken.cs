using System.Buffers.Text;
using System.Text;

namespace EmailIntegration.Pipeline.Serve;

/// <summary>
/// The continuation token the API hands out: the store's token, bound to the child form it came
/// from and made URL-safe. A token that does not decode, or belongs to another form, is a client error.
/// </summary>
public static class PageToken
{
    public static string? Encode(string form, string? storeToken) =>
        string.IsNullOrEmpty(storeToken) ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(form + "\n" + storeToken));

    public static string? Decode(string form, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var separator = text.IndexOf('\n', StringComparison.Ordinal);
            if (separator > 0 && text[..separator] == form && separator < text.Length - 1)
            {
                return text[(separator + 1)..];
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidRequestException("continuationToken", "The continuation token is not valid for this list.");
    }
}

/// <summary>A request the client must fix (HTTP 400).</summary>
public sealed class InvalidRequestException(string parameter, string message) : Exception(message)
{
    public string Parameter { get; } = parameter;
}
