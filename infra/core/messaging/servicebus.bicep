// Service Bus with the tracking queue (sessions and duplicate detection need Standard or Premium). Local (SAS) auth is
// off: senders and receivers use Entra ID only. The SKU follows network isolation: private endpoints (and turning public
// access off) need Premium, which is billed per messaging unit and hour whatever the traffic; without isolation,
// Standard. An existing Standard namespace is not changed to Premium in place by a deployment: migrate it
// (learn.microsoft.com/azure/service-bus-messaging/service-bus-migrate-standard-premium) or let a new environment create it.
@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Name of the tracking queue (the TrackingQueue app setting).')
param queueName string

@description('Private endpoint only (app/network-isolation.bicep): Premium, no public network access.')
param networkIsolation bool = false

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

var sku = networkIsolation ? 'Premium' : 'Standard'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: networkIsolation
    ? {
        name: sku
        tier: sku
        capacity: 1
      }
    : {
        name: sku
        tier: sku
      }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: networkIsolation ? 'Disabled' : 'Enabled'
    premiumMessagingPartitions: networkIsolation ? 1 : null
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queueName
  properties: {
    // SessionId = individual id: one handler at a time per individual.
    requiresSession: true
    // MessageId is deterministic (the business key); a night's re-run inside a day is dropped as a duplicate.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 1024
    enablePartitioning: false
  }
}

// Operational logs (namespace and entity management); on Premium also the runtime audit logs (who sent and received,
// never message bodies). Source: learn.microsoft.com/azure/service-bus-messaging/monitor-service-bus-reference.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'send-to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: concat(
      [
        {
          category: 'OperationalLogs'
          enabled: true
        }
      ],
      networkIsolation
        ? [
            {
              category: 'RuntimeAuditLogs'
              enabled: true
            }
          ]
        : []
    )
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output id string = namespace.id
output sku string = sku
output name string = namespace.name
output queueId string = queue.id
output queueName string = queue.name
// e.g. https://sb-xyz.servicebus.windows.net:443/ -> sb-xyz.servicebus.windows.net
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
