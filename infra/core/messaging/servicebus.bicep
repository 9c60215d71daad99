// Service Bus Standard (sessions and duplicate detection need Standard or Premium) with the tracking
// queue. Local (SAS) auth is off: senders and receivers use Entra ID only.
@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Name of the tracking queue (the TrackingQueue app setting).')
param queueName string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
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

output id string = namespace.id
output name string = namespace.name
output queueId string = queue.id
output queueName string = queue.name
// e.g. https://sb-xyz.servicebus.windows.net:443/ -> sb-xyz.servicebus.windows.net
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
