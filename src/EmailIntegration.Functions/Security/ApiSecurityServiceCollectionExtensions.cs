using EmailIntegration.Pipeline.Serve;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace EmailIntegration.Functions.Security;

/// <summary>
/// Registers the API's authentication and authorization: the JwtBearer handler, <see cref="ApiAuthorizer"/>,
/// <see cref="ViewLinks"/> and the worker middleware. Tokens come from one of two issuers, never both:
/// <list type="bullet">
/// <item>Entra ID (Azure): <c>Auth:Authority</c> (<c>https://login.microsoftonline.com/{tenant}/v2.0</c>) and
/// <c>Auth:Audience</c> (the API's application ID URI or client id); keys come from the authority's metadata.</item>
/// <item>The local issuer (the runner and tests): <c>Auth:LocalIssuer:SigningKey</c>, a random key the runner makes at start;
/// refused on App Service, where <c>WEBSITE_SITE_NAME</c> is set.</item>
/// </list>
/// With neither, every token fails (fail closed).
/// </summary>
/// <remarks>
/// JwtBearer rather than Microsoft.Identity.Web: the worker only validates incoming tokens (no downstream calls, no token
/// cache, no MSAL), the local issuer is plain TokenValidationParameters on the same handler, and it adds one package.
/// </remarks>
public static class ApiSecurityServiceCollectionExtensions
{
    public const string LocalIssuer = "https://email-integration.local/issuer";
    public const string LocalAudience = "api://email-integration-local";
    public const string LocalSigningKeySetting = "Auth:LocalIssuer:SigningKey";

    public static IServiceCollection AddApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        // Continuation tokens and view links need the signing key on every request: a missing or short key stops the
        // host at start-up, with the setting named, instead of a 500 on the first request.
        services.AddOptions<PageTokenKeys>()
            .Configure(keys =>
            {
                keys.Key = configuration[PageTokenProtector.KeySetting];
                keys.PreviousKey = configuration[PageTokenProtector.PreviousKeySetting];
            })
            .Validate(keys => PageTokenProtector.IsValidConfiguration(keys.Key, keys.PreviousKey), PageTokenKeys.Problem)
            .ValidateOnStart();

        var authority = configuration["Auth:Authority"];
        var localKey = configuration[LocalSigningKeySetting];
        if (!string.IsNullOrEmpty(localKey) && (!string.IsNullOrEmpty(authority) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"])))
        {
            throw new InvalidOperationException($"{LocalSigningKeySetting} is for the local runner only; Azure uses Auth:Authority.");
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters.RoleClaimType = ApiAuthorizer.RolesClaim;
            options.TokenValidationParameters.NameClaimType = "sub";
            if (!string.IsNullOrEmpty(localKey))
            {
                options.TokenValidationParameters.ValidIssuer = LocalIssuer;
                options.TokenValidationParameters.ValidAudience = LocalAudience;
                options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(localKey));
                options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            else if (!string.IsNullOrEmpty(authority))
            {
                options.Authority = authority;
                options.Audience = configuration["Auth:Audience"];
                options.TokenValidationParameters.ValidAudiences = [configuration["Auth:Audience"], configuration["Auth:ClientId"]];
            }
            else
            {
                // No issuer configured: no key can verify any token.
                options.TokenValidationParameters.ValidIssuer = "none";
                options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => [];
            }
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ViewLinks>();
        services.TryAddSingleton<ApiAuthorizer>();
        services.TryAddSingleton<ApiAuthorizationMiddleware>();
        return services;
    }
}

/// <summary>The page-token signing keys as configured (<see cref="PageTokenProtector.KeySetting"/>), checked at start-up.</summary>
public sealed class PageTokenKeys
{
    public const string Problem =
        "Api:PageTokenKey (app setting Api__PageTokenKey) must be base64 of at least 32 bytes; Api:PreviousPageTokenKey, when set, too.";

    public string? Key { get; set; }

    public string? PreviousKey { get; set; }
}
