using System.Globalization;
using EmailIntegration.Pipeline.Serve;
using Microsoft.Extensions.Configuration;

namespace EmailIntegration.Pipeline.Operations;

/// <summary>
/// The re-queue form's confirmation token: signed (the page-token key) for this poison queue and short-lived. The POST
/// is refused without one, so a page on another site can't trigger a re-queue by posting a form on its own: it would
/// need a token that only the confirmation page, behind the credential, hands out.
/// </summary>
public sealed class RequeueConfirmation(IPoisonQueue poison, TimeProvider time, IConfiguration configuration)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly Lazy<PageTokenProtector> tokens = new(() => PageTokenProtector.FromBase64(configuration[PageTokenProtector.KeySetting]));

    public string Issue() =>
        tokens.Value.Protect(Context(), time.GetUtcNow().UtcTicks.ToString(CultureInfo.InvariantCulture))!;

    /// <summary>Throws <see cref="InvalidRequestException"/> when the token is missing, altered, for another queue or expired.</summary>
    public void Verify(string? token)
    {
        const string message = "Confirm the re-queue from the confirmation page (its form expires after 15 minutes).";
        if (string.IsNullOrEmpty(token) || token.Length > 512)
        {
            throw new InvalidRequestException("confirmation", message);
        }

        string? issued;
        try
        {
            issued = tokens.Value.Unprotect(Context(), token);
        }
        catch (InvalidRequestException)
        {
            throw new InvalidRequestException("confirmation", message);
        }

        var now = time.GetUtcNow().UtcTicks;
        if (!long.TryParse(issued, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > now || now - ticks > Lifetime.Ticks)
        {
            throw new InvalidRequestException("confirmation", message);
        }
    }

    private PageContext Context() => new("requeue", poison.PoisonName, null, null, null);
}
