using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.Functions.Security;

/// <summary>One HTTP function of the app: its name, method, trigger and what it declares about its callers.</summary>
public sealed record HttpFunction(string Name, Type Type, MethodInfo Method, HttpTriggerAttribute Trigger, RequiresRoleAttribute? Role, NoRoleAttribute? NoRole)
{
    public string Route => Trigger.Route ?? Name;

    public IReadOnlyList<string> Methods => (Trigger.Methods ?? ["get"]).Select(m => m.ToUpperInvariant()).ToList();
}

/// <summary>Every [HttpTrigger] function of this assembly, found once: the worker's authorization, the local runner and the tests read it.</summary>
public static class HttpFunctionCatalog
{
    private static readonly Lazy<IReadOnlyList<HttpFunction>> Functions = new(Find);
    private static readonly Lazy<IReadOnlyDictionary<string, HttpFunction>> Names =
        new(() => Functions.Value.ToDictionary(f => f.Name, StringComparer.Ordinal));

    public static IReadOnlyList<HttpFunction> All => Functions.Value;

    public static HttpFunction? Find(string functionName) => Names.Value.GetValueOrDefault(functionName);

    private static List<HttpFunction> Find() =>
        typeof(HttpFunctionCatalog).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(method => (type, method)))
            .Select(m => (m.type, m.method, function: m.method.GetCustomAttribute<FunctionAttribute>(),
                trigger: m.method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(m => m.function is not null && m.trigger is not null)
            .Select(m => new HttpFunction(m.function!.Name, m.type, m.method, m.trigger!,
                m.method.GetCustomAttribute<RequiresRoleAttribute>(), m.method.GetCustomAttribute<NoRoleAttribute>()))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
}
