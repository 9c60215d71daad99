using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace EmailIntegration.Functions.Security;

/// <summary>
/// The worker's gate in front of every HTTP function in Azure: <see cref="ApiAuthorizer"/> with the function's declaration
/// from <see cref="HttpFunctionCatalog"/>; a refusal becomes the invocation's result and the function never runs. Other
/// triggers pass through. (The local runner calls the same authorizer in its routing, Hosting/HttpFunctionRoutes.cs.)
/// </summary>
public sealed class ApiAuthorizationMiddleware(ApiAuthorizer authorizer) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (HttpFunctionCatalog.Find(context.FunctionDefinition.Name) is { } function && context.GetHttpContext() is { } http)
        {
            var refusal = await authorizer.AuthorizeAsync(http, function,
                name => context.BindingContext.BindingData.TryGetValue(name, out var value) ? value?.ToString() : null);
            if (refusal is not null)
            {
                context.GetInvocationResult().Value = refusal;
                return;
            }
        }

        await next(context);
    }
}
