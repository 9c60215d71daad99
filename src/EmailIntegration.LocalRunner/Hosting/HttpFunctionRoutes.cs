using System.Reflection;
using EmailIntegration.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.LocalRunner.Hosting;

/// <summary>
/// Maps every [HttpTrigger] function of the Functions assembly to Kestrel under /api, binds its
/// parameters (HttpRequest, route values, CancellationToken) and enforces the function key as the
/// host does for AuthorizationLevel.Function.
/// </summary>
public static class HttpFunctionRoutes
{
    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, string functionKey)
    {
        foreach (var type in typeof(GetEmailIntegrationTab).Assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                var trigger = method.GetParameters()
                    .Select(p => p.GetCustomAttribute<HttpTriggerAttribute>())
                    .FirstOrDefault(a => a is not null);
                if (trigger is null || method.GetCustomAttribute<FunctionAttribute>() is null)
                {
                    continue;
                }

                var methods = (trigger.Methods ?? ["get"]).Select(m => m.ToUpperInvariant()).ToArray();
                endpoints.MapMethods("/api/" + trigger.Route, methods, context => InvokeAsync(context, type, method, trigger, functionKey));
            }
        }
    }

    private static async Task InvokeAsync(HttpContext context, Type type, MethodInfo method, HttpTriggerAttribute trigger, string functionKey)
    {
        if (trigger.AuthLevel != AuthorizationLevel.Anonymous && !HasKey(context.Request, functionKey))
        {
            await ApiResults.Problem(StatusCodes.Status401Unauthorized, "A valid function key is required.")
                .ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
            return;
        }

        var function = ActivatorUtilities.CreateInstance(context.RequestServices, type);
        var arguments = method.GetParameters().Select(p => Bind(p, context)).ToArray();
        var result = await (Task<IActionResult>)method.Invoke(function, arguments)!;
        await result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context) =>
        parameter.ParameterType switch
        {
            var t when t == typeof(HttpRequest) => context.Request,
            var t when t == typeof(CancellationToken) => context.RequestAborted,
            var t when t == typeof(string) => context.Request.RouteValues.TryGetValue(parameter.Name!, out var value) ? value?.ToString() : null,
            _ => throw new NotSupportedException($"The local runner can't bind {parameter.ParameterType.Name} {parameter.Name}."),
        };

    private static bool HasKey(HttpRequest request, string functionKey) =>
        string.Equals(request.Query["code"], functionKey, StringComparison.Ordinal)
        || string.Equals(request.Headers["x-functions-key"], functionKey, StringComparison.Ordinal);
}
