using EmailIntegration.Functions.Http;
using EmailIntegration.Functions.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>The local stand-ins for the host's keys: a function key and, apart from it, the admin (master) key.</summary>
public sealed record LocalFunctionKeys(string FunctionKey, string AdminKey);

/// <summary>
/// Maps every HTTP function (<see cref="HttpFunctionCatalog"/>) to Kestrel under /api, enforces the host's key levels as
/// the host does (Function: the function key or the admin key; Admin: only the admin key), then the worker's
/// <see cref="ApiAuthorizer"/> as the Functions app's middleware does, binds the parameters (HttpRequest, route values,
/// CancellationToken) and invokes the function.
/// </summary>
public static class HttpFunctionRoutes
{
    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, LocalFunctionKeys keys)
    {
        foreach (var function in HttpFunctionCatalog.All)
        {
            endpoints.MapMethods("/api/" + function.Route, function.Methods, context => InvokeAsync(context, function, keys));
        }
    }

    /// <summary>Whether the request carries a key the host would accept for <paramref name="level"/>.</summary>
    public static bool KeyAccepted(AuthorizationLevel level, HttpRequest request, LocalFunctionKeys keys)
    {
        var presented = request.Headers["x-functions-key"].ToString() is { Length: > 0 } header ? header : request.Query["code"].ToString();
        bool Is(string key) => presented.Length > 0 && string.Equals(presented, key, StringComparison.Ordinal);
        return level switch
        {
            AuthorizationLevel.Anonymous => true,
            AuthorizationLevel.Function => Is(keys.FunctionKey) || Is(keys.AdminKey),
            _ => Is(keys.AdminKey),
        };
    }

    private static async Task InvokeAsync(HttpContext context, HttpFunction function, LocalFunctionKeys keys)
    {
        var actionContext = new ActionContext(context, context.GetRouteData(), new ActionDescriptor());
        if (!KeyAccepted(function.Trigger.AuthLevel, context.Request, keys))
        {
            await ApiResults.Problem(StatusCodes.Status401Unauthorized, "A valid function key is required.").ExecuteResultAsync(actionContext);
            return;
        }

        var refusal = await context.RequestServices.GetRequiredService<ApiAuthorizer>().AuthorizeAsync(
            context, function, name => context.Request.RouteValues.TryGetValue(name, out var value) ? value?.ToString() : null);
        if (refusal is not null)
        {
            await refusal.ExecuteResultAsync(actionContext);
            return;
        }

        var instance = ActivatorUtilities.CreateInstance(context.RequestServices, function.Type);
        var arguments = function.Method.GetParameters().Select(p => Bind(p, context)).ToArray();
        var result = await (Task<IActionResult>)function.Method.Invoke(instance, arguments)!;
        await result.ExecuteResultAsync(actionContext);
    }

    private static object? Bind(System.Reflection.ParameterInfo parameter, HttpContext context) =>
        parameter.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t when t == typeof(string) => context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) ? value?.ToString() : null,
            _ => throw new NotSupportedException($"The local runner can't bind {parameter.ParameterType.Name} {parameter.Name}."),
        };
}
