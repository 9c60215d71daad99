using System.Text.Json.Nodes;

namespace EmailIntegration.UnitTests.Infra;

/// <summary>
/// Every resource that has resource logs sends them, and its metrics, to the Log Analytics workspace; every other resource
/// type infra/ deploys is listed below with the reason it has no diagnostic setting, so a new resource type fails here
/// until someone decides.
/// </summary>
[Collection(InfraSnapshotCollection.Name)]
public sealed class DiagnosticSettingsInBicepTests(InfraSnapshots snapshots)
{
    private const string DiagnosticSettings = "Microsoft.Insights/diagnosticSettings";

    /// <summary>Resource type → the log categories (or category groups) its setting must collect.</summary>
    private static readonly Dictionary<string, string[]> Monitored = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Web/sites"] = ["allLogs"],
        ["Microsoft.Storage/storageAccounts"] = [],  // the account has metrics only; its logs are on the services
        ["Microsoft.Storage/storageAccounts/blobServices"] = ["StorageRead", "StorageWrite", "StorageDelete"],
        ["Microsoft.Storage/storageAccounts/queueServices"] = ["StorageRead", "StorageWrite", "StorageDelete"],
        ["Microsoft.Storage/storageAccounts/tableServices"] = ["StorageRead", "StorageWrite", "StorageDelete"],
        ["Microsoft.ServiceBus/namespaces"] = ["OperationalLogs"],
        ["Microsoft.DocumentDB/databaseAccounts"] = ["DataPlaneRequests"],
        ["Microsoft.KeyVault/vaults"] = ["AuditEvent"],
        ["Microsoft.Insights/components"] = [],  // workspace-based: its telemetry is in the workspace already
        ["Microsoft.OperationalInsights/workspaces"] = ["Audit"],
        ["Microsoft.EventGrid/systemTopics"] = ["DeliveryFailures"],
    };

    /// <summary>Resource type → why it has no diagnostic setting.</summary>
    private static readonly Dictionary<string, string> NotMonitored = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Resources/resourceGroups"] = "its changes are in the activity log",
        ["Microsoft.ManagedIdentity/userAssignedIdentities"] = "no resource logs; its sign-ins are in the Entra ID logs",
        ["Microsoft.Storage/storageAccounts/blobServices/containers"] = "covered by the blob service's setting",
        ["Microsoft.Storage/storageAccounts/queueServices/queues"] = "covered by the queue service's setting",
        ["Microsoft.Storage/storageAccounts/tableServices/tables"] = "covered by the table service's setting",
        ["Microsoft.Storage/storageAccounts/managementPolicies"] = "configuration of the account: its changes are in the activity log; the deletions it makes are in the blob service's StorageDelete log",
        ["Microsoft.ServiceBus/namespaces/queues"] = "covered by the namespace's setting",
        ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases"] = "covered by the account's setting",
        ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers"] = "covered by the account's setting",
        ["Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"] = "control plane: in the activity log",
        ["Microsoft.Authorization/roleAssignments"] = "control plane: in the activity log",
        [DiagnosticSettings] = "the settings themselves",
        ["Microsoft.Web/serverfarms"] = "the Flex Consumption plan has no resource logs; the app's setting covers it",
        ["Microsoft.Web/sites/basicPublishingCredentialsPolicies"] = "configuration of the site",
        ["Microsoft.Insights/actionGroups"] = "alert notifications are in the activity log",
        ["Microsoft.Insights/scheduledQueryRules"] = "alert firings are in the activity log",
        ["Microsoft.Insights/metricAlerts"] = "alert firings are in the activity log",
        ["Microsoft.Network/virtualNetworks"] = "no resource logs of use here (flow logs are a Network Watcher feature)",
        ["Microsoft.Network/natGateways"] = "metrics only",
        ["Microsoft.Network/publicIPAddresses"] = "its logs are DDoS-protection ones, not enabled here",
        ["Microsoft.Network/privateEndpoints"] = "no resource logs",
        ["Microsoft.Network/privateEndpoints/privateDnsZoneGroups"] = "configuration of the endpoint",
        ["Microsoft.Network/privateDnsZones"] = "no resource logs",
        ["Microsoft.Network/privateDnsZones/virtualNetworkLinks"] = "configuration of the zone",
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryDeployedResourceType_IsMonitoredOrHasAReasonNotToBe(bool isolated)
    {
        var undecided = snapshots.For(isolated).Resources.Select(r => r.Type)
            .Where(type => !Monitored.ContainsKey(type) && !NotMonitored.ContainsKey(type))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

        Assert.True(undecided.Count == 0,
            $"Resource types with neither a diagnostic setting nor a reason in {nameof(NotMonitored)}: {string.Join(", ", undecided)}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryMonitoredResource_SendsItsLogsAndMetricsToTheWorkspace(bool isolated)
    {
        var snapshot = snapshots.For(isolated);
        var workspace = snapshot.Single("Microsoft.OperationalInsights/workspaces");
        var settings = snapshot.OfType(DiagnosticSettings).ToList();
        var monitored = snapshot.Resources.Where(r => Monitored.ContainsKey(r.Type)).ToList();
        Assert.Equal(Monitored.Count, monitored.Select(r => r.Type).Distinct(StringComparer.OrdinalIgnoreCase).Count());

        var without = monitored.Where(r => !settings.Any(s => BicepSnapshot.ScopeOf(s) == r.Id)).Select(r => $"{r.Type} {r.Name}").ToList();
        Assert.True(without.Count == 0, $"No diagnostic setting on: {string.Join(", ", without)}");

        foreach (var resource in monitored)
        {
            var setting = Assert.Single(settings, s => BicepSnapshot.ScopeOf(s) == resource.Id);
            Assert.Equal(workspace.Id, setting.Property("workspaceId"));

            var logs = Enabled(setting.Properties["logs"]);
            var missing = Monitored[resource.Type].Where(category => !logs.Contains(category)).ToList();
            Assert.True(missing.Count == 0, $"{resource.Type} {resource.Name}: log categories not collected: {string.Join(", ", missing)}");
            Assert.True(Enabled(setting.Properties["metrics"]).Count > 0, $"{resource.Type} {resource.Name}: no metrics collected.");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NoResource_HasTwoSettingsToTheSamePlace(bool isolated)
    {
        var duplicated = snapshots.For(isolated).OfType(DiagnosticSettings)
            .GroupBy(BicepSnapshot.ScopeOf, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key)
            .ToList();

        Assert.Empty(duplicated);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ServiceBusRuntimeAuditLogs_AreCollectedOnlyOnPremium(bool isolated, bool expected)
    {
        var snapshot = snapshots.For(isolated);
        var serviceBus = snapshot.Single("Microsoft.ServiceBus/namespaces");
        var setting = Assert.Single(snapshot.OfType(DiagnosticSettings), s => BicepSnapshot.ScopeOf(s) == serviceBus.Id);

        // The category exists on Premium only: asking for it on Standard fails the deployment.
        Assert.Equal(expected, Enabled(setting.Properties["logs"]).Contains("RuntimeAuditLogs"));
    }

    private static HashSet<string> Enabled(JsonNode? entries) =>
        (entries?.AsArray() ?? [])
        .Where(e => (bool?)e!["enabled"] == true)
        .Select(e => (string?)e!["category"] ?? (string?)e!["categoryGroup"] ?? string.Empty)
        .ToHashSet(StringComparer.Ordinal);
}
