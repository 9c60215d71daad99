// Network isolation (main.bicep, networkIsolation = true): a virtual network the Function App joins for all its outbound
// traffic, and a private endpoint per data service (Storage blob/queue/table, Service Bus, Cosmos DB, Key Vault), each with
// its private DNS zone linked to the network, so the services' usual host names resolve to private addresses inside it and
// their public endpoints can be switched off. What it gives and costs: docs/security.md, "Network isolation".
//
// Subnets:
//   integration       the Function App's VNet integration. Flex Consumption runs on Container Apps infrastructure, so the
//                     delegation is Microsoft.App/environments (not Microsoft.Web/serverFarms as for Elastic Premium and
//                     Dedicated plans): learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations.
//                     A NAT gateway gives it outbound internet (vendor APIs, Entra ID, Application Insights ingestion) from
//                     one fixed public address, the one to give vendors that allow-list callers.
//   private-endpoints the private endpoints' network interfaces.
// Private DNS zone names are the Azure public cloud's (learn.microsoft.com/azure/private-link/private-endpoint-dns).
@description('Resource token: keeps the names unique per environment.')
param resourceToken string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Address space of the virtual network; the two /24 subnets are its first two.')
param addressPrefix string = '10.90.0.0/16'

@description('Storage account whose blob, queue and table endpoints get private endpoints.')
param storageAccountName string

@description('Service Bus namespace (Premium: private endpoints need it).')
param serviceBusNamespaceName string

@description('Cosmos DB account (NoSQL API).')
param cosmosAccountName string

@description('Key vault.')
param keyVaultName string

var abbrs = loadJsonContent('../abbreviations.json')
var integrationSubnetName = 'integration'
var privateEndpointSubnetName = 'private-endpoints'

// One entry per private endpoint: the service's sub-resource (group id) and the DNS zone its name resolves in.
var privateEndpoints = [
  {
    name: 'storage-blob'
    target: 'storage'
    groupId: 'blob'
    zone: 'privatelink.blob.${environment().suffixes.storage}'
  }
  {
    name: 'storage-queue'
    target: 'storage'
    groupId: 'queue'
    zone: 'privatelink.queue.${environment().suffixes.storage}'
  }
  {
    name: 'storage-table'
    target: 'storage'
    groupId: 'table'
    zone: 'privatelink.table.${environment().suffixes.storage}'
  }
  {
    name: 'servicebus'
    target: 'servicebus'
    groupId: 'namespace'
    zone: 'privatelink.servicebus.windows.net'
  }
  {
    name: 'cosmos'
    target: 'cosmos'
    groupId: 'Sql'
    zone: 'privatelink.documents.azure.com'
  }
  {
    name: 'keyvault'
    target: 'keyvault'
    groupId: 'vault'
    zone: 'privatelink.vaultcore.azure.net'
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource natPublicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: '${abbrs.networkPublicIPAddresses}egress-${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: '${abbrs.networkNatGateways}${resourceToken}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      {
        id: natPublicIp.id
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${abbrs.networkVirtualNetworks}${resourceToken}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: integrationSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 0)
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          natGateway: {
            id: natGateway.id
          }
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: cidrSubnet(addressPrefix, 24, 1)
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }

  resource integrationSubnet 'subnets' existing = {
    name: integrationSubnetName
  }

  resource privateEndpointSubnet 'subnets' existing = {
    name: privateEndpointSubnetName
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in privateEndpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in privateEndpoints: {
    parent: zones[i]
    name: vnet.name
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for endpoint in privateEndpoints: {
    name: '${abbrs.networkPrivateEndpoints}${endpoint.name}-${resourceToken}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet::privateEndpointSubnet.id
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.target == 'storage'
              ? storage.id
              : endpoint.target == 'servicebus' ? serviceBus.id : endpoint.target == 'cosmos' ? cosmos.id : keyVault.id
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (endpoint, i) in privateEndpoints: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: replace(endpoint.zone, '.', '-')
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]

output vnetName string = vnet.name
output integrationSubnetId string = vnet::integrationSubnet.id
output egressIpAddress string = natPublicIp.properties.ipAddress
output privateEndpointNames array = [for (endpoint, i) in privateEndpoints: endpoints[i].name]
