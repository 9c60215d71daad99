// Cosmos DB for NoSQL, serverless, Entra ID only (no keys), with the database and the individuals
// container the pipeline writes and the tab reads.
@description('Name of the Cosmos DB account.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Name of the SQL database (the Cosmos__Database app setting).')
param databaseName string

@description('Name of the container (the Cosmos__Container app setting).')
param containerName string

@description('Private endpoint only (app/network-isolation.bicep): no public network access.')
param networkIsolation bool = false

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: networkIsolation ? 'Disabled' : 'Enabled'
    networkAclBypass: 'None'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          '/individualId'
        ]
        kind: 'Hash'
        version: 2
      }
      // The tab's queries, within one individual's partition: the newest items (WHERE c.type IN (profile, mailing)) and
      // a form's folds (WHERE c.type = 'mailing' AND IS_DEFINED(c.spans.<row type>) [AND c.vendor = @vendor] [AND the
      // span's newest/oldest against from, to and the previous page's last row]), both ORDER BY c.sortAt DESC, c.id DESC
      // (a two-property ORDER BY needs its composite index). A fold's rows (rows) and a profile's appliedEventIds are only
      // read back with their item, never filtered on, so they stay out of the index (cheaper writes).
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/appliedEventIds/*'
          }
          {
            path: '/rows/*'
          }
          {
            path: '/"_etag"/?'
          }
        ]
        compositeIndexes: [
          [
            {
              path: '/sortAt'
              order: 'descending'
            }
            {
              path: '/id'
              order: 'descending'
            }
          ]
          [
            {
              path: '/type'
              order: 'ascending'
            }
            {
              path: '/sortAt'
              order: 'descending'
            }
            {
              path: '/id'
              order: 'descending'
            }
          ]
          [
            {
              path: '/type'
              order: 'ascending'
            }
            {
              path: '/vendor'
              order: 'ascending'
            }
            {
              path: '/sortAt'
              order: 'descending'
            }
            {
              path: '/id'
              order: 'descending'
            }
          ]
          // GET /api/changes: change records across partitions ORDER BY c._ts, c.sortKey.
          [
            {
              path: '/_ts'
              order: 'ascending'
            }
            {
              path: '/sortKey'
              order: 'ascending'
            }
          ]
        ]
      }
    }
  }
}

// Data-plane requests (operation, status, RU charge, caller address and identity; never document content), query
// runtime statistics (query text with its literals obfuscated) and control-plane requests, in the resource-specific
// tables (CDBDataPlaneRequests, ...). Source: learn.microsoft.com/azure/cosmos-db/monitor-resource-logs.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'send-to-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        category: 'DataPlaneRequests'
        enabled: true
      }
      {
        category: 'QueryRuntimeStatistics'
        enabled: true
      }
      {
        category: 'ControlPlaneRequests'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Requests'
        enabled: true
      }
    ]
  }
}

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
output containerName string = container.name
