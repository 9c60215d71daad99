namespace EmailIntegration.UnitTests.Infra;

/// <summary>
/// infra/main.bicep's <c>networkIsolation</c>: on, every data service is reachable only through a private endpoint in the
/// app's virtual network; off (a sandbox), nothing of it is deployed and everything stays as the quick start needs it.
/// </summary>
[Collection(InfraSnapshotCollection.Name)]
public sealed class NetworkIsolationInBicepTests(InfraSnapshots snapshots)
{
    private const string StorageAccount = "Microsoft.Storage/storageAccounts";
    private const string ServiceBusNamespace = "Microsoft.ServiceBus/namespaces";
    private const string CosmosAccount = "Microsoft.DocumentDB/databaseAccounts";
    private const string KeyVault = "Microsoft.KeyVault/vaults";
    private const string PrivateEndpoint = "Microsoft.Network/privateEndpoints";

    /// <summary>Each data service, the sub-resources (group ids) that need an endpoint, and the DNS zone of each.</summary>
    public static TheoryData<string, string, string> PrivateEndpointsExpected => new()
    {
        { StorageAccount, "blob", "privatelink.blob.core.windows.net" },
        { StorageAccount, "queue", "privatelink.queue.core.windows.net" },
        { StorageAccount, "table", "privatelink.table.core.windows.net" },
        { ServiceBusNamespace, "namespace", "privatelink.servicebus.windows.net" },
        { CosmosAccount, "Sql", "privatelink.documents.azure.com" },
        { KeyVault, "vault", "privatelink.vaultcore.azure.net" },
    };

    [Theory]
    [InlineData(StorageAccount)]
    [InlineData(ServiceBusNamespace)]
    [InlineData(CosmosAccount)]
    [InlineData(KeyVault)]
    public void Isolated_EveryDataResource_HasPublicNetworkAccessDisabled(string type)
    {
        var resource = snapshots.Isolated.Single(type);

        Assert.Equal("Disabled", resource.Property("publicNetworkAccess"));
    }

    [Theory]
    [InlineData(StorageAccount)]
    [InlineData(KeyVault)]
    public void Isolated_NetworkRules_DenyByDefault(string type)
    {
        Assert.Equal("Deny", snapshots.Isolated.Single(type).Property("networkAcls.defaultAction"));
    }

    [Theory]
    [MemberData(nameof(PrivateEndpointsExpected))]
    public void Isolated_EveryDataResource_HasAPrivateEndpointResolvedByItsLinkedZone(string type, string groupId, string zoneName)
    {
        var snapshot = snapshots.Isolated;
        var target = snapshot.Single(type);
        var vnet = snapshot.Single("Microsoft.Network/virtualNetworks");

        var endpoint = Assert.Single(snapshot.OfType(PrivateEndpoint), pe =>
            pe.Property("privateLinkServiceConnections.0.properties.privateLinkServiceId") == target.Id &&
            pe.Property("privateLinkServiceConnections.0.properties.groupIds.0") == groupId);
        Assert.Equal($"{vnet.Id}/subnets/private-endpoints", endpoint.Property("subnet.id"));

        var zoneGroup = Assert.Single(snapshot.OfType($"{PrivateEndpoint}/privateDnsZoneGroups"), g => g.Name == $"{endpoint.Name}/default");
        var zoneId = BicepSnapshot.Resolve(zoneGroup.Property("privateDnsZoneConfigs.0.properties.privateDnsZoneId")!);
        var zone = Assert.Single(snapshot.OfType("Microsoft.Network/privateDnsZones"), z => BicepSnapshot.Resolve(z.Name) == zoneName);
        Assert.Equal(BicepSnapshot.Resolve(zone.Id), zoneId);

        var link = Assert.Single(snapshot.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks"),
            l => BicepSnapshot.Resolve(l.Name).StartsWith($"{zoneName}/", StringComparison.Ordinal));
        Assert.Equal(vnet.Id, link.Property("virtualNetwork.id"));
        Assert.Equal("false", link.Property("registrationEnabled"));
    }

    [Fact]
    public void Isolated_PrivateEndpoints_AreOnlyTheExpectedOnes()
    {
        Assert.Equal(PrivateEndpointsExpected.Count(), snapshots.Isolated.OfType(PrivateEndpoint).Count());
    }

    [Fact]
    public void Isolated_TheFunctionApp_JoinsTheFlexDelegatedIntegrationSubnet_AndRoutesAllTrafficThroughIt()
    {
        var snapshot = snapshots.Isolated;
        var vnet = snapshot.Single("Microsoft.Network/virtualNetworks");
        var site = snapshot.Single("Microsoft.Web/sites");

        var subnetId = site.Property("virtualNetworkSubnetId");
        Assert.Equal($"{vnet.Id}/subnets/integration", subnetId);
        Assert.Equal("true", site.Property("siteConfig.vnetRouteAllEnabled"));

        var subnet = vnet.Properties["subnets"]!.AsArray().Single(s => (string?)s!["name"] == "integration")!;
        // Flex Consumption: Microsoft.App/environments (Microsoft.Web/serverFarms is for Elastic Premium and Dedicated plans).
        Assert.Equal("Microsoft.App/environments", (string?)subnet["properties"]!["delegations"]![0]!["properties"]!["serviceName"]);
        Assert.Equal(snapshot.Single("Microsoft.Network/natGateways").Id, (string?)subnet["properties"]!["natGateway"]!["id"]);
        Assert.Equal("FlexConsumption", snapshot.Single("Microsoft.Web/serverfarms").Node["sku"]!["tier"]!.ToString());
    }

    [Fact]
    public void Isolated_ServiceBusIsPremium_BecausePrivateEndpointsNeedIt()
    {
        var sku = snapshots.Isolated.Single(ServiceBusNamespace).Node["sku"]!;

        Assert.Equal("Premium", (string?)sku["name"]);
        Assert.Equal(1, (int?)sku["capacity"]);
        Assert.Equal("Premium", (string?)snapshots.Isolated.Outputs["SERVICEBUS_SKU"]);
    }

    [Fact]
    public void Open_ServiceBusStaysStandard()
    {
        Assert.Equal("Standard", (string?)snapshots.Open.Single(ServiceBusNamespace).Node["sku"]!["name"]);
    }

    [Theory]
    [InlineData(StorageAccount)]
    [InlineData(ServiceBusNamespace)]
    [InlineData(CosmosAccount)]
    [InlineData(KeyVault)]
    public void Open_DataResources_KeepPublicNetworkAccess(string type)
    {
        Assert.Equal("Enabled", snapshots.Open.Single(type).Property("publicNetworkAccess"));
    }

    [Fact]
    public void Open_DeploysNoNetworkResources_AndTheAppJoinsNoSubnet()
    {
        var network = snapshots.Open.Resources.Where(r => r.Type.StartsWith("Microsoft.Network/", StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.Empty(network);
        Assert.Null(snapshots.Open.Single("Microsoft.Web/sites").Property("virtualNetworkSubnetId"));
        Assert.Equal(string.Empty, (string?)snapshots.Open.Outputs["NETWORK_EGRESS_IP"]);
    }

    [Theory]
    [InlineData("isolated", true)]
    [InlineData("open", false)]
    [InlineData("sandbox-typed-prod", true)]
    [InlineData("prod-named-typed-dev", false)]
    public void NetworkIsolationDefault_FollowsTheEnvironmentTypeOrElseTheName(string snapshot, bool isolated)
    {
        var deployed = snapshots.Named(snapshot);

        Assert.Equal(isolated, (bool)deployed.Outputs["NETWORK_ISOLATION"]!);
        Assert.Equal(isolated, deployed.OfType(PrivateEndpoint).Any());
    }
}
