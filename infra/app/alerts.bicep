// Alerts that wake someone: an action group (e-mail receivers from a parameter) and one alert per question the
// operations page answers (README, "Operating it"). Log alerts query Application Insights' customMetrics, where
// the app's OpenTelemetry exporter writes the pipeline's counters (src/EmailIntegration.Pipeline/Observability);
// the dead-letter alert reads Service Bus' own metric.
// Schema: learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules and .../metricalerts.

@description('Azure region of the log alerts (the action group and the metric alert are global).')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Resource token: keeps the alert names unique per environment.')
param resourceToken string

@description('Application Insights component the app sends its metrics to.')
param applicationInsightsName string

@description('Service Bus namespace of the tracking queue.')
param serviceBusNamespaceName string

@description('The tracking queue (its dead-letter count is alerted on).')
param serviceBusQueueName string

@description('E-mail addresses that receive the alerts.')
param alertEmailReceivers array = []

@description('The vendors that run every night: each must complete a fetch within 26 hours.')
param enabledVendors array

@description('Quarantined files plus bad records in a day above which someone should look.')
@minValue(0)
param quarantineThreshold int = 100

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource serviceBusNamespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-email-integration-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'emailintegr'
    enabled: true
    emailReceivers: [for (address, i) in alertEmailReceivers: {
      name: 'operator-${i}'
      emailAddress: address
      useCommonAlertSchema: true
    }]
  }
}

var logAlerts = [
  {
    name: 'vendor-fetch-failed'
    displayName: 'E-mail integration: a vendor fetch failed'
    description: 'A vendor fetch failed or left unreadable pages (its watermark stays). Runbook: open the operations page, the run, the vendor\'s error.'
    severity: 1
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    query: 'customMetrics | where name == "emailintegration.fetch_failures" | extend vendor = tostring(customDimensions.vendor) | summarize failures = sum(valueSum) by vendor | where failures > 0'
    dimension: 'vendor'
    threshold: 0
  }
  {
    name: 'vendor-no-successful-run'
    displayName: 'E-mail integration: no successful run for a vendor in 26 hours'
    description: 'A nightly vendor completed no fetch in 26 hours (the timer did not run, or the vendor failed every night). Runbook: operations page, last nights.'
    severity: 1
    evaluationFrequency: 'PT1H'
    windowSize: 'P2D'
    query: 'let vendors = dynamic(${string(enabledVendors)}); customMetrics | where timestamp > ago(26h) and name == "emailintegration.fetches_succeeded" | extend vendor = tostring(customDimensions.vendor) | summarize succeeded = sum(valueSum) by vendor | join kind=rightouter (print vendor = vendors | mv-expand vendor to typeof(string)) on vendor | extend vendor = vendor1 | where isnull(succeeded) or succeeded == 0 | project vendor'
    dimension: 'vendor'
    threshold: 0
  }
  {
    name: 'messages-poisoned'
    displayName: 'E-mail integration: messages poisoned'
    description: 'A tracking message failed its last allowed delivery and was moved to the poison queue or dead-letter. Runbook: operations page, poison and dead-letter, fix the cause, re-queue.'
    severity: 2
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    query: 'customMetrics | where name == "emailintegration.messages_poisoned" | summarize poisoned = sum(valueSum) | where poisoned > 0'
    dimension: ''
    threshold: 0
  }
  {
    name: 'quarantine-above-threshold'
    displayName: 'E-mail integration: quarantine above threshold'
    description: 'More than ${quarantineThreshold} quarantined files and bad records in a day. Runbook: operations page, the run\'s landed files and bad records with their reasons.'
    severity: 3
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    query: 'customMetrics | where name in ("emailintegration.files_quarantined", "emailintegration.bad_records") | summarize quarantined = sum(valueSum) | where quarantined > ${quarantineThreshold}'
    dimension: ''
    threshold: 0
  }
]

resource queryAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in logAlerts: {
  name: 'alert-${alert.name}-${resourceToken}'
  location: location
  tags: tags
  properties: {
    displayName: alert.displayName
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: alert.evaluationFrequency
    windowSize: alert.windowSize
    criteria: {
      allOf: [
        {
          query: alert.query
          timeAggregation: 'Count'
          dimensions: empty(alert.dimension) ? [] : [
            {
              name: alert.dimension
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: alert.threshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}]

resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-dead-lettered-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages in the tracking queue\'s dead-letter sub-queue (poisoned, or rejected as bad data with a reason). Runbook: operations page, poison and dead-letter, fix the cause, re-queue.'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespace.id
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                serviceBusQueueName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
output alertNames array = concat(map(logAlerts, a => 'alert-${a.name}-${resourceToken}'), [deadLetterAlert.name])
