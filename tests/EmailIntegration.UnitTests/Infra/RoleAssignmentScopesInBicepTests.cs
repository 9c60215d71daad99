using EmailIntegration.Azure.Configuration;
using EmailIntegration.Azure.Outbound;

namespace EmailIntegration.UnitTests.Infra;

/// <summary>
/// The app's identity holds each data role on exactly the containers, queues, tables and Cosmos database it uses (the
/// names the code reads by default), never on a whole storage account, Service Bus namespace or Cosmos account.
/// </summary>
[Collection(InfraSnapshotCollection.Name)]
public sealed class RoleAssignmentScopesInBicepTests(InfraSnapshots snapshots)
{
    private const string RoleAssignments = "Microsoft.Authorization/roleAssignments";
    private const string Containers = "Microsoft.Storage/storageAccounts/blobServices/containers";
    private const string Queues = "Microsoft.Storage/storageAccounts/queueServices/queues";
    private const string Tables = "Microsoft.Storage/storageAccounts/tableServices/tables";

    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string QueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";

    /// <summary>The Functions host's own storage: its containers (leases, receipts, keys) and the blob trigger's poison queue.</summary>
    private static readonly string[] HostContainers = ["azure-webjobs-hosts", "azure-webjobs-secrets"];
    private const string BlobTriggerPoisonQueue = "webjobs-blobtrigger-poison";

    /// <summary>Data roles and the kind of resource each may be scoped to.</summary>
    public static TheoryData<string, string> DataRoleScopes => new()
    {
        { BlobDataOwner, Containers },
        { BlobDataContributor, Containers },
        { QueueDataContributor, Queues },
        { TableDataContributor, Tables },
        { ServiceBusDataSender, "Microsoft.ServiceBus/namespaces/queues" },
        { ServiceBusDataReceiver, "Microsoft.ServiceBus/namespaces/queues" },
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NoRoleAssignment_IsScopedToAWholeStorageAccountNamespaceOrCosmosAccount(bool isolated)
    {
        var snapshot = snapshots.For(isolated);
        var accounts = new[] { "Microsoft.Storage/storageAccounts", "Microsoft.ServiceBus/namespaces", "Microsoft.DocumentDB/databaseAccounts" }
            .SelectMany(snapshot.OfType)
            .Select(r => r.Id)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var tooWide = snapshot.OfType(RoleAssignments).Select(BicepSnapshot.ScopeOf).Where(accounts.Contains).ToList();
        var cosmosTooWide = snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")
            .Select(a => a.Property("scope")!)
            .Where(accounts.Contains)
            .ToList();

        Assert.True(tooWide.Count == 0, $"Role assignments on a whole account or namespace: {string.Join(", ", tooWide)}");
        Assert.True(cosmosTooWide.Count == 0, $"Cosmos role assignments on the whole account: {string.Join(", ", cosmosTooWide)}");
    }

    [Theory]
    [MemberData(nameof(DataRoleScopes))]
    public void EachDataRole_IsScopedToItsKindOfSubResource(string roleId, string scopeType)
    {
        var snapshot = snapshots.Isolated;
        var allowed = snapshot.OfType(scopeType).Select(r => r.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var scopes = AssignmentsOf(snapshot, roleId).Select(BicepSnapshot.ScopeOf).ToList();

        Assert.NotEmpty(scopes);
        Assert.All(scopes, scope => Assert.Contains(scope, allowed));
    }

    [Fact]
    public void TheContainersQueuesAndTablesTheCodeReads_EachGrantTheirRole()
    {
        var snapshot = snapshots.Isolated;
        var pipeline = new EmailIntegrationOptions();
        var outbound = new OutboundStorageOptions();

        AssertRoleOn(snapshot, Containers, BlobDataContributor, pipeline.LandingContainer, pipeline.QuarantineContainer, outbound.OutboundContainer);
        AssertRoleOn(snapshot, Containers, BlobDataOwner, HostContainers);
        AssertRoleOn(snapshot, Queues, QueueDataContributor,
            pipeline.TrackingQueue, $"{pipeline.TrackingQueue}-poison", outbound.OutboundQueue, $"{outbound.OutboundQueue}-poison", BlobTriggerPoisonQueue);
        AssertRoleOn(snapshot, Tables, TableDataContributor,
            pipeline.WatermarkTable, pipeline.RunLogTable, pipeline.VendorDirectoryTable, outbound.BlastStatusTable, outbound.OptOutStatusTable);
        AssertRoleOn(snapshot, "Microsoft.ServiceBus/namespaces/queues", ServiceBusDataReceiver, pipeline.TrackingQueue);
        AssertRoleOn(snapshot, "Microsoft.ServiceBus/namespaces/queues", ServiceBusDataSender, pipeline.TrackingQueue);
    }

    [Theory]
    [InlineData(Containers)]
    [InlineData(Queues)]
    [InlineData(Tables)]
    public void EveryDeclaredContainerQueueAndTable_HasARoleForTheApp(string type)
    {
        var snapshot = snapshots.Isolated;
        var granted = snapshot.OfType(RoleAssignments).Select(BicepSnapshot.ScopeOf).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var ungranted = snapshot.OfType(type).Where(r => !granted.Contains(r.Id)).Select(r => r.Name).ToList();

        // Without a role on it the app (or the host, or the Flex deployment) cannot use it: the account grants nothing.
        Assert.True(ungranted.Count == 0, $"Declared but not granted: {string.Join(", ", ungranted)}");
    }

    [Fact]
    public void CosmosDataRole_IsScopedToTheDatabaseTheCodeReads()
    {
        var snapshot = snapshots.Isolated;
        var account = snapshot.Single("Microsoft.DocumentDB/databaseAccounts");
        var database = new CosmosOptions().Database;
        Assert.Single(snapshot.OfType("Microsoft.DocumentDB/databaseAccounts/sqlDatabases"), d => d.Name == $"{account.Name}/{database}");

        var assignment = snapshot.Single("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");

        Assert.Equal($"{account.Id}/dbs/{database}", assignment.Property("scope"));
        Assert.EndsWith("/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002", assignment.Property("roleDefinitionId"), StringComparison.Ordinal);
    }

    private static IEnumerable<InfraResource> AssignmentsOf(BicepSnapshot snapshot, string roleId) =>
        snapshot.OfType(RoleAssignments)
            .Where(a => a.Property("roleDefinitionId")!.EndsWith($"/roleDefinitions/{roleId}", StringComparison.OrdinalIgnoreCase));

    private static void AssertRoleOn(BicepSnapshot snapshot, string type, string roleId, params string[] names)
    {
        var scopes = AssignmentsOf(snapshot, roleId).Select(BicepSnapshot.ScopeOf).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var resource = Assert.Single(snapshot.OfType(type), r => r.Name.EndsWith($"/{name}", StringComparison.Ordinal));
            Assert.True(scopes.Contains(resource.Id), $"No role {roleId} on {type} '{name}'.");
        }
    }
}
