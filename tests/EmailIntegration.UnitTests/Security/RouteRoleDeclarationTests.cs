using EmailIntegration.Functions.Security;
using Microsoft.Azure.Functions.Worker;

namespace EmailIntegration.UnitTests.Security;

/// <summary>
/// Every HTTP function declares who may call it, once, and the declarations are the ones docs/security.md publishes.
/// (RouteAuthorizationTests in the integration tests prove each one both ways over HTTP.)
/// </summary>
public sealed class RouteRoleDeclarationTests
{
    /// <summary>The published table: function → role ("none" for <see cref="NoRoleAttribute"/>); "+view" when a view link also opens it.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["GetEmailIntegrationTab"] = "Tab.Read+view",
        ["GetEmailIntegrationView"] = "Tab.Read+view",
        ["GetTrackingPage"] = "Tab.Read+view",
        ["GetLinkTrackingPage"] = "Tab.Read+view",
        ["GetFaxTrackingPage"] = "Tab.Read+view",
        ["GetUnsubscribesPage"] = "Tab.Read+view",
        ["GetBouncesPage"] = "Tab.Read+view",
        ["GetCommunicationsPage"] = "Tab.Read+view",
        ["GetCustomerActionsPage"] = "Tab.Read+view",
        ["GetInterestActivitiesPage"] = "Tab.Read+view",
        ["GetIndividualProfile"] = "Tab.Read",
        ["CreateViewLink"] = "Tab.Read",
        ["PutIndividual"] = "Individuals.Write",
        ["PostOptOut"] = "Individuals.Write",
        ["PostBlast"] = "Blasts.Send",
        ["GetBlastStatus"] = "Blasts.Send",
        ["GetRunLog"] = "Operations",
        ["ReplayRun"] = "Operations",
        ["GetOpenApiDocument"] = "none",
        ["ReceiveWebhook"] = "none",
        ["GetChanges"] = "Changes.Read",
        ["GetBlastSuppressed"] = "Blasts.Send",
        ["ListRuns"] = "Operations",
        ["GetOperationsPage"] = "Operations",
        ["GetOperationsRunPage"] = "Operations",
        ["GetRequeueConfirmation"] = "Operations",
        ["PostRequeue"] = "Operations",
        ["ResendAmsDelivery"] = "Operations",
        ["DeleteIndividual"] = "Individuals.Write",
        ["GetErasure"] = "Individuals.Write",
    };

    private static string Declared(HttpFunction f) =>
        f.NoRole is not null ? "none" : f.Role is { } r ? r.Role + (r.ViewLink ? "+view" : "") : "(nothing)";

    [Fact]
    public void EveryHttpFunction_DeclaresExactlyOneOfRequiresRoleOrNoRole()
    {
        var undeclared = HttpFunctionCatalog.All.Where(f => (f.Role is null) == (f.NoRole is null)).Select(f => f.Name).ToList();

        Assert.True(undeclared.Count == 0, "Declare [RequiresRole(...)] or [NoRole(\"why\")] on: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void TheDeclaredRoles_AreThePublishedTable()
    {
        Assert.Equal(Expected.OrderBy(e => e.Key, StringComparer.Ordinal),
            HttpFunctionCatalog.All.Select(f => KeyValuePair.Create(f.Name, Declared(f))).OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void EveryDeclaredRole_IsAnAppRole()
    {
        Assert.All(HttpFunctionCatalog.All.Where(f => f.Role is not null), f => Assert.Contains(f.Role!.Role, ApiRoles.All));
    }

    [Fact]
    public void AViewLink_OnlyOpensReadsOfOneIndividual()
    {
        Assert.All(HttpFunctionCatalog.All.Where(f => f.Role?.ViewLink == true), f =>
        {
            Assert.Equal(["GET"], f.Methods);
            Assert.Contains("{individualId}", f.Route, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ARouteWithoutARole_IsTheOpenApiDocument_TheSignedWebhook_OrKeptBehindItsOwnFunctionKey()
    {
        Assert.All(HttpFunctionCatalog.All.Where(f => f.NoRole is not null), f =>
            Assert.True(f.Name is "GetOpenApiDocument" or "ReceiveWebhook" || f.Trigger.AuthLevel == AuthorizationLevel.Function, f.Name));
    }

    [Fact]
    public void DocsSecurityMd_ListsEveryRouteWithItsRole()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EmailIntegration.sln")))
        {
            root = root.Parent;
        }

        var doc = File.ReadAllText(Path.Combine(root!.FullName, "docs", "security.md"));

        Assert.All(HttpFunctionCatalog.All, f => Assert.Contains($"| `{f.Name}` |", doc, StringComparison.Ordinal));
    }
}
