// Azure infrastructure of the e-mail tracking integration, in the azd layout: a resource group per
// azd environment, names from abbreviations.json + a resource token, local modules under app/ and core/.
// Validate with scripts/validate-infra.sh (bicep build + lint, zero warnings).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource token and tags every resource.')
param environmentName string

@minLength(1)
@description('Primary location for all resources.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Kind of environment (azd env set AZURE_ENV_TYPE): \'prod\' or \'dev\'. Empty: \'prod\' when the environment name ends in -prod or -production (or is prod/production), else \'dev\'.')
@allowed([
  ''
  'dev'
  'prod'
])
param environmentType string = ''

@description('Private endpoints for Storage, Service Bus (Premium), Cosmos DB and Key Vault with their public access off, and the Function App in a virtual network (app/network-isolation.bicep). Default: on for production environments, off for dev ones. What it gives and costs: docs/security.md.')
param networkIsolation bool = environmentType == 'prod' || (empty(environmentType) && contains(['prod', 'production'], last(split(toLower(environmentName), '-'))))

@description('Address space of the virtual network when networkIsolation is on (its first two /24s are the subnets); pick one that does not overlap a network you will peer with.')
param vnetAddressPrefix string = '10.90.0.0/16'

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); gets Key Vault Secrets Officer to set the vendor secrets. Empty to skip.')
param principalId string = ''

@description('Overrides the resource group name; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@description('Application ID URI of the API\'s Entra ID app registration (docs/security.md): the audience of its tokens.')
param apiAudience string = 'api://email-integration-${environmentName}'

@description('Client id of that app registration (azd env set API_CLIENT_ID); also accepted as audience (v2 tokens). Empty until registered.')
param apiClientId string = ''

@description('NCRONTAB schedule of the nightly fetch (UTC). Never RunOnStartup in production.')
param fetchSchedule string = '0 30 2 * * *'

@description('The AMS change feed\'s optional webhook push: the AMS receiver\'s https URL (empty: off; its signing secret is the Key Vault secret ams-webhook-secret, whsec_<base64>) and the push\'s NCRONTAB schedule.')
param amsWebhookUrl string = ''
param amsWebhookSchedule string = '0 */5 * * * *'

@description('The AMS mailing types, \';\'-separated: an unsubscribe from an e-mail group opts out of the type with the same name.')
param effectsMailingTypes string = ''

@description('Hosts of the AMS\'s own pages, \';\'-separated: a click there is a scored Customer Action.')
param effectsAmsHosts string = ''

@description('Interest code rules: \'URL pattern => CODE, CODE | ...\'.')
param effectsInterestCodes string = ''

@description('Hard "user unknown" bounces of one address before it is marked invalid.')
@minValue(1)
param effectsUserUnknownBouncesBeforeInvalid int = 3

@description('Machine activity thresholds (MachineActivityOptions; docs/machine-activity.md), e.g. { BurstSeconds: \'10\' }; a missing key keeps its default.')
param effectsMachineActivity object = {}

@description('Whether the Real Magnet adapter runs (its secrets must be set in Key Vault first).')
param realMagnetEnabled bool = true

@description('Real Magnet category id per mailing type for opt-outs, e.g. {"Newsletter": "123", "Events": "456", "Advocacy": "789"}.')
param realMagnetOptOutCategories object = {}

@description('Whether the Informz adapter runs (its secrets must be set in Key Vault first).')
param informzEnabled bool = false

@description('Informz API endpoint (US; Canada is partner.informz.ca).')
param informzBaseUrl string = 'https://partner.informz.net/aapi/InformzService.svc'

@description('Informz brand id.')
param informzBrandId string = ''

@description('Whether the HighRoad adapter fetches its CSV export over HTTPS (Drop needs no fetch; SFTP settings are set by hand).')
param highRoadEnabled bool = false

@description('HighRoad export URL with {from}/{to} placeholders.')
param highRoadHttpsUrl string = ''

@description('Real Magnet REST ApiAdapter base URL.')
param realMagnetBaseUrl string = 'https://dna.magnetmail.net/ApiAdapter/Rest/'

@description('Which e-mail services\' event webhooks are served (POST /api/webhooks/{service}); each needs its Key Vault secret first.')
param sendGridWebhookEnabled bool = false
param mailgunWebhookEnabled bool = false
param sesWebhookEnabled bool = false
param postmarkWebhookEnabled bool = false

@description('The SNS topic ARNs (\';\'-separated) carrying SES events that the SES webhook accepts.')
param sesWebhookTopicArns string = ''

@description('E-mail addresses that receive the operations alerts (infra/app/alerts.bicep).')
param alertEmailReceivers array = []

@description('Quarantined files plus bad records in a day above which an alert fires.')
@minValue(0)
param quarantineAlertThreshold int = 100

@description('Days landed and quarantined files are kept (lifecycle policy); replays refuse older runs (Retention__Days).')
@minValue(1)
@maxValue(3650)
param retentionDays int = 35

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Names the code binds to (%LandingContainer%, %TrackingQueue%, ...): the same values as local.settings.sample.json.
var landingContainerName = 'landing'
var quarantineContainerName = 'quarantine'
var trackingQueueName = 'tracking'
var watermarkTableName = 'Watermarks'
var runLogTableName = 'RunLog'
var vendorDirectoryTableName = 'VendorDirectory'
var outboundContainerName = 'outbound'
var outboundQueueName = 'outbound'
var blastStatusTableName = 'BlastStatus'
var optOutStatusTableName = 'OptOutStatus'
var erasureTableName = 'Erasures'
var cosmosDatabaseName = 'emailintegration'
var cosmosContainerName = 'individuals'
var realMagnetUserNameSecretName = 'realmagnet-username'
var realMagnetPasswordSecretName = 'realmagnet-password'
var pageTokenKeySecretName = 'api-page-token-key'
var informzUserSecretName = 'informz-user'
var informzPasswordSecretName = 'informz-password'
var highRoadUserNameSecretName = 'highroad-username'
var highRoadPasswordSecretName = 'highroad-password'
var sendGridWebhookKeySecretName = 'sendgrid-webhook-verification-key'
var mailgunWebhookKeySecretName = 'mailgun-webhook-signing-key'
var postmarkWebhookUserSecretName = 'postmark-webhook-username'
var postmarkWebhookPasswordSecretName = 'postmark-webhook-password'
var amsWebhookSecretName = 'ams-webhook-secret'

var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

// Every container, queue and table in the storage account, one list each: the storage module creates them and the rbac
// module grants the app's identity a role on each one (not on the account).
// The Functions host's own: azure-webjobs-hosts (host lease, timer and blob-trigger receipts), azure-webjobs-secrets (keys),
// webjobs-blobtrigger-poison (blobs the blob trigger gave up on).
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]
var dataContainerNames = [
  landingContainerName
  quarantineContainerName
  outboundContainerName
  deploymentStorageContainerName
]
var storageQueueNames = [
  trackingQueueName
  '${trackingQueueName}-poison'
  outboundQueueName
  '${outboundQueueName}-poison'
  'webjobs-blobtrigger-poison'
]
var storageTableNames = [
  watermarkTableName
  runLogTableName
  vendorDirectoryTableName
  blastStatusTableName
  optOutStatusTableName
  erasureTableName
]

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage-account.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containerNames: concat(dataContainerNames, hostContainerNames)
    queueNames: storageQueueNames
    tableNames: storageTableNames
    networkIsolation: networkIsolation
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module blobRetention 'core/storage/blob-retention.bicep' = {
  name: 'blob-retention'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    containerNames: [
      landingContainerName
      quarantineContainerName
    ]
    retentionDays: retentionDays
  }
}

module serviceBus 'core/messaging/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    queueName: trackingQueueName
    networkIsolation: networkIsolation
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module cosmos 'core/database/cosmos-sql.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    containerName: cosmosContainerName
    networkIsolation: networkIsolation
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'core/security/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    networkIsolation: networkIsolation
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module network 'app/network-isolation.bicep' = if (networkIsolation) {
  name: 'network-isolation'
  scope: rg
  params: {
    resourceToken: resourceToken
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    cosmosAccountName: cosmos.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

module landingEvents 'core/eventgrid/storage-system-topic.bicep' = {
  name: 'landing-events'
  scope: rg
  params: {
    name: '${abbrs.eventGridDomainsTopics}landing-${resourceToken}'
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    storageAccountName: storage.outputs.name
    hostContainerNames: hostContainerNames
    dataContainerNames: dataContainerNames
    queueNames: storageQueueNames
    tableNames: storageTableNames
    serviceBusNamespaceName: serviceBus.outputs.name
    serviceBusQueueName: serviceBus.outputs.queueName
    cosmosAccountName: cosmos.outputs.name
    cosmosDatabaseName: cosmos.outputs.databaseName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.primaryBlobEndpoint
    storageQueueEndpoint: storage.outputs.primaryQueueEndpoint
    storageTableEndpoint: storage.outputs.primaryTableEndpoint
    deploymentStorageContainerName: deploymentStorageContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    cosmosContainerName: cosmos.outputs.containerName
    keyVaultUri: keyVault.outputs.uri
    landingContainerName: landingContainerName
    quarantineContainerName: quarantineContainerName
    trackingQueueName: trackingQueueName
    watermarkTableName: watermarkTableName
    runLogTableName: runLogTableName
    vendorDirectoryTableName: vendorDirectoryTableName
    outboundContainerName: outboundContainerName
    outboundQueueName: outboundQueueName
    blastStatusTableName: blastStatusTableName
    optOutStatusTableName: optOutStatusTableName
    erasureTableName: erasureTableName
    retentionDays: retentionDays
    fetchSchedule: fetchSchedule
    amsWebhookUrl: amsWebhookUrl
    amsWebhookSchedule: amsWebhookSchedule
    amsWebhookSecretName: amsWebhookSecretName
    effectsMailingTypes: effectsMailingTypes
    effectsAmsHosts: effectsAmsHosts
    effectsInterestCodes: effectsInterestCodes
    effectsUserUnknownBouncesBeforeInvalid: effectsUserUnknownBouncesBeforeInvalid
    effectsMachineActivity: effectsMachineActivity
    realMagnetEnabled: realMagnetEnabled
    realMagnetBaseUrl: realMagnetBaseUrl
    realMagnetUserNameSecretName: realMagnetUserNameSecretName
    realMagnetPasswordSecretName: realMagnetPasswordSecretName
    pageTokenKeySecretName: pageTokenKeySecretName
    apiAudience: apiAudience
    apiClientId: apiClientId
    realMagnetOptOutCategories: realMagnetOptOutCategories
    informzEnabled: informzEnabled
    informzBaseUrl: informzBaseUrl
    informzBrandId: informzBrandId
    informzUserSecretName: informzUserSecretName
    informzPasswordSecretName: informzPasswordSecretName
    highRoadEnabled: highRoadEnabled
    highRoadHttpsUrl: highRoadHttpsUrl
    highRoadUserNameSecretName: highRoadUserNameSecretName
    highRoadPasswordSecretName: highRoadPasswordSecretName
    sendGridWebhookEnabled: sendGridWebhookEnabled
    sendGridWebhookKeySecretName: sendGridWebhookKeySecretName
    mailgunWebhookEnabled: mailgunWebhookEnabled
    mailgunWebhookKeySecretName: mailgunWebhookKeySecretName
    sesWebhookEnabled: sesWebhookEnabled
    sesWebhookTopicArns: sesWebhookTopicArns
    postmarkWebhookEnabled: postmarkWebhookEnabled
    postmarkWebhookUserSecretName: postmarkWebhookUserSecretName
    postmarkWebhookPasswordSecretName: postmarkWebhookPasswordSecretName
    // With isolation the site joins the network only once every private endpoint and DNS zone exists (the module's output).
    virtualNetworkSubnetId: networkIsolation ? network!.outputs.integrationSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
  // The host starts as soon as the site exists: its identity must already hold the data roles.
  dependsOn: [
    rbac
  ]
}

// The operations alerts: vendor fetch failed, no successful run in 26 h, poisoned / dead-lettered, quarantine.
module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    serviceBusNamespaceName: serviceBus.outputs.name
    serviceBusQueueName: serviceBus.outputs.queueName
    alertEmailReceivers: alertEmailReceivers
    enabledVendors: concat(realMagnetEnabled ? ['realmagnet'] : [], informzEnabled ? ['informz'] : [], highRoadEnabled ? ['highroad'] : [])
    quarantineThreshold: quarantineAlertThreshold
  }
}

// azd stores these in .azure/<env>/.env; the hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = api.outputs.defaultHostName
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output REALMAGNET_ENABLED bool = realMagnetEnabled
// Space-separated Key Vault item names the postprovision hook checks (names only, never values).
output API_PAGE_TOKEN_KEY_SECRET_NAME string = pageTokenKeySecretName
output REALMAGNET_VAULT_ITEMS string = join([realMagnetUserNameSecretName, realMagnetPasswordSecretName], ' ')
output VENDOR_VAULT_ITEMS string = join([
  realMagnetUserNameSecretName
  realMagnetPasswordSecretName
  informzUserSecretName
  informzPasswordSecretName
  highRoadUserNameSecretName
  highRoadPasswordSecretName
  sendGridWebhookKeySecretName
  mailgunWebhookKeySecretName
  postmarkWebhookUserSecretName
  postmarkWebhookPasswordSecretName
  amsWebhookSecretName
], ' ')
output LANDING_CONTAINER_NAME string = landingContainerName
output LANDING_SYSTEM_TOPIC_NAME string = landingEvents.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
// The hooks read these: with isolation the vault's data plane answers only inside the network.
output NETWORK_ISOLATION bool = networkIsolation
output SERVICEBUS_SKU string = serviceBus.outputs.sku
// The address the app calls vendors from (NAT gateway), for vendors that allow-list callers; empty without isolation.
output NETWORK_EGRESS_IP string = networkIsolation ? network!.outputs.egressIpAddress : ''
