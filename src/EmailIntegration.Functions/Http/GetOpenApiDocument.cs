using EmailIntegration.Functions.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.OpenApi;

namespace EmailIntegration.Functions.Http;

/// <summary>
/// GET the API's OpenAPI 3.1 document. Anonymous: it holds no data and no secret, and API tooling
/// (API Management import, client generators) can read it without a key; every route it describes
/// still needs one.
/// </summary>
public sealed class GetOpenApiDocument
{
    private static readonly Lazy<Task<string>> Json = new(() => OpenApiDocumentFactory.Create().SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1));

    [Function(nameof(GetOpenApiDocument))]

    [NoRole("The API description: no data, no secret; every route it describes still needs its role.")]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApiDocument)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        _ = request;
        return new ContentResult { Content = await Json.Value.WaitAsync(cancellationToken), ContentType = "application/json; charset=utf-8", StatusCode = 200 };
    }
}
