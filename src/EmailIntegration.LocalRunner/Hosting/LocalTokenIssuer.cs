using System.Security.Cryptography;
using EmailIntegration.Functions.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>
/// Stands in for Entra ID locally: mints bearer tokens with app roles, signed with a key the runner makes at start
/// (<see cref="ApiSecurityServiceCollectionExtensions.LocalSigningKeySetting"/>), so the API accepts them and nothing else
/// does — a token minted by one run is worthless to any other, and to Azure.
/// </summary>
public sealed class LocalTokenIssuer(byte[] signingKey, TimeProvider time)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A token whose <c>roles</c> claim holds <paramref name="roles"/>.</summary>
    public string Mint(IEnumerable<string> roles, TimeSpan? lifetime = null, string subject = "local-developer")
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ApiSecurityServiceCollectionExtensions.LocalIssuer,
            Audience = ApiSecurityServiceCollectionExtensions.LocalAudience,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now + (lifetime ?? DefaultLifetime),
            Claims = new Dictionary<string, object> { ["sub"] = subject, [ApiAuthorizer.RolesClaim] = roles.ToArray() },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token with every role of <see cref="ApiRoles.All"/>: the runner's <c>Token:</c> line.</summary>
    public string MintWithEveryRole(TimeSpan? lifetime = null) => Mint(ApiRoles.All, lifetime);
}
