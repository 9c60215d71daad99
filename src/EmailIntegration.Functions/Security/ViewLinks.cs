using EmailIntegration.Pipeline;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Functions.Security;

/// <summary>
/// Signed view links: read-only access to one individual's tab for a short time, for embedding the page in a profile
/// screen. The token (<c>viewToken</c>) is HMAC-signed with the page-token keys (key id, expiry, rotation as there),
/// bound to the individual, and grants GETs of the routes that allow it (<see cref="RequiresRoleAttribute.ViewLink"/>)
/// and nothing else; paging links carry it on, never a key.
/// </summary>
public sealed class ViewLinks(IConfiguration configuration, TimeProvider time)
{
    public const string QueryParameter = "viewToken";

    /// <summary>How long a view link lasts unless <c>Api:ViewLinkMinutes</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(30);

    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromConfiguration(configuration, time));

    public TimeSpan Lifetime => configuration.GetValue<int?>("Api:ViewLinkMinutes") is { } minutes and > 0 and <= 24 * 60
        ? TimeSpan.FromMinutes(minutes)
        : DefaultLifetime;

    /// <summary>A view token for <paramref name="individualId"/>, valid for <paramref name="lifetime"/> (default <see cref="Lifetime"/>).</summary>
    public (string Token, DateTimeOffset ExpiresAt) Create(string individualId, TimeSpan? lifetime = null)
    {
        EmailIntegrationTabReader.EnsureValidIndividualId(individualId);
        var validFor = lifetime ?? Lifetime;
        return (tokens.Value.Protect(Context(individualId), individualId, validFor), time.GetUtcNow() + validFor);
    }

    /// <summary>Whether <paramref name="token"/> is a valid, unexpired view link for exactly <paramref name="individualId"/>.</summary>
    public bool IsValidFor(string token, string? individualId) =>
        Identifiers.IsIndividualId(individualId)
        && tokens.Value.TryUnprotect(Context(individualId!), token, out var payload, out _)
        && string.Equals(payload, individualId, StringComparison.Ordinal);

    /// <summary>Domain-separated from continuation tokens (theirs start "v1\n"), so neither can stand in for the other.</summary>
    private static string Context(string individualId) => "view-link\n" + individualId + "\n";
}
