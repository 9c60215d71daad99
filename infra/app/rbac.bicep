// Least-privilege data-plane roles for the Function App's user-assigned identity, each scoped to the narrowest resource
// the app uses: the blob containers, queues and tables one by one (not the storage account), the tracking queue (not the
// namespace), the Cosmos SQL database (not the account). Built-in role definition ids:
//   Storage Blob Data Owner          b7e6dc6d-f1e8-4753-8033-0f276bb0955b  the Functions host's containers (azure-webjobs-hosts:
//                                    leases, timer and blob-trigger receipts; azure-webjobs-secrets: keys); the Functions docs
//                                    ask Owner for host storage
//   Storage Blob Data Contributor    ba92f5b4-2d11-453d-a403-e96b0029c9fe  landing, quarantine, outbound, the Flex deployment package
//   Storage Queue Data Contributor   974c5e8b-45b9-4653-ba55-5f855dd0fb88  tracking and outbound queues (+ poison), the blob
//                                    trigger's poison queue
//   Storage Table Data Contributor   0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3  Watermarks, RunLog, VendorDirectory, BlastStatus, OptOutStatus
//   Azure Service Bus Data Sender    69a216fc-b8fb-44d8-bc22-1f3c2cd27a39  publisher, on the tracking queue
//   Azure Service Bus Data Receiver  4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0  session trigger, on the tracking queue
//   Key Vault Secrets User           4633458b-17de-408a-b874-0445c86b69e6  Key Vault references, on the vault: a role can be
//                                    scoped to one secret, but only to a secret that exists, and Bicep creates no secret values
//   Monitoring Metrics Publisher     3913510d-42f4-4e42-8a64-420c390055eb  Entra-authenticated telemetry
//   Cosmos DB Built-in Data Contributor (Cosmos SQL role) 00000000-0000-0000-0000-000000000002, scope /dbs/<database>
// Nothing is granted at account level, so the Functions host cannot create its monthly diagnostic-events tables
// (AzureFunctionsDiagnosticEvents*): it finds that out once at start-up and turns that feature off (docs/security.md).
// Optionally the deploying user (principalId) gets Key Vault Secrets Officer
// (b86a8fe4-44ce-4948-aee5-eccb2c155cd7) to set the vendor secrets once.
@description('Principal id of the Function App\'s user-assigned identity.')
param appPrincipalId string

@description('Object id of the deploying user; empty to skip the Key Vault Secrets Officer assignment.')
param deployerPrincipalId string = ''

param storageAccountName string

@description('Blob containers the Functions host keeps its own state in (Storage Blob Data Owner on each).')
param hostContainerNames array

@description('The app\'s blob containers and the deployment package container (Storage Blob Data Contributor on each).')
param dataContainerNames array

@description('Storage queues the app and the host read and write (Storage Queue Data Contributor on each).')
param queueNames array

@description('Tables the app reads and writes (Storage Table Data Contributor on each).')
param tableNames array

param serviceBusNamespaceName string
param serviceBusQueueName string
param cosmosAccountName string

@description('The Cosmos SQL database the app uses: the scope of its data role.')
param cosmosDatabaseName string

param keyVaultName string
param applicationInsightsName string

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  cosmosDataContributor: '00000000-0000-0000-0000-000000000002'
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'
  }

  resource queueService 'queueServices' existing = {
    name: 'default'
  }

  resource tableService 'tableServices' existing = {
    name: 'default'
  }
}

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for containerName in hostContainerNames: {
    parent: storage::blobService
    name: containerName
  }
]

resource dataContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = [
  for containerName in dataContainerNames: {
    parent: storage::blobService
    name: containerName
  }
]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' existing = [
  for queueName in queueNames: {
    parent: storage::queueService
    name: queueName
  }
]

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' existing = [
  for tableName in tableNames: {
    parent: storage::tableService
    name: tableName
  }
]

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource queue 'queues' existing = {
    name: serviceBusQueueName
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' existing = {
  name: cosmosAccountName
}

// The database's data-plane scope is written with 'dbs', not the ARM 'sqlDatabases'.
var cosmosDatabaseScope = '${cosmos.id}/dbs/${cosmosDatabaseName}'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource hostContainerBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in hostContainerNames: {
    name: guid(hostContainers[i].id, appPrincipalId, roles.storageBlobDataOwner)
    scope: hostContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource dataContainerBlobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in dataContainerNames: {
    name: guid(dataContainers[i].id, appPrincipalId, roles.storageBlobDataContributor)
    scope: dataContainers[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queueName, i) in queueNames: {
    name: guid(queues[i].id, appPrincipalId, roles.storageQueueDataContributor)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in tableNames: {
    name: guid(tables[i].id, appPrincipalId, roles.storageTableDataContributor)
    scope: tables[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource serviceBusDataSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus::queue.id, appPrincipalId, roles.serviceBusDataSender)
  scope: serviceBus::queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource serviceBusDataReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(serviceBus::queue.id, appPrincipalId, roles.serviceBusDataReceiver)
  scope: serviceBus::queue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: deployerPrincipalId
    principalType: 'User'
  }
}

resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Cosmos data-plane RBAC is its own system (sqlRoleAssignments, scope '/', '/dbs/<db>' or '/dbs/<db>/colls/<container>'),
// not Microsoft.Authorization. Source: learn.microsoft.com/azure/cosmos-db/nosql/security/how-to-grant-data-plane-role-based-access.
resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: cosmos
  name: guid(cosmosDatabaseScope, appPrincipalId, roles.cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${roles.cosmosDataContributor}'
    principalId: appPrincipalId
    scope: cosmosDatabaseScope
  }
}
