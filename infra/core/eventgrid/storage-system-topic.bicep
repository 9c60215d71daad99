// Event Grid system topic on the storage account. The blob trigger (Source = EventGrid; the only source
// Flex Consumption supports) is fed by an event subscription on this topic to the Functions blobs
// extension webhook. That webhook needs the blobs_extension system key, which exists only after the
// code is deployed, so the subscription is created by infra/hooks/postdeploy.sh.
@description('Name of the system topic.')
param name string

@description('Azure region (the storage account\'s).')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Resource id of the storage account that raises the events.')
param storageAccountId string

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// Deliveries to the blob trigger's webhook that failed for good: a landed file that was never fanned out.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'send-to-log-analytics'
  scope: topic
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'DeliveryFailures'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = topic.name
