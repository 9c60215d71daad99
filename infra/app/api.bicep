// The email-integration Function App: Flex Consumption host plus every app setting the code reads.
// tests/EmailIntegration.UnitTests/Infra/AppSettingsInBicepTests.cs checks the `appSettings` list below
// against local.settings.sample.json: keep one `name: '<key>'` literal per setting.
@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('azd service name (azure.yaml services key).')
param serviceName string = 'api'

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Storage account endpoints (AzureWebJobsStorage, identity-based).')
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string

@description('Flex Consumption deployment package container.')
param deploymentStorageContainerName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Service Bus namespace host name, e.g. sb-x.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Cosmos DB account endpoint.')
param cosmosEndpoint string
param cosmosDatabaseName string
param cosmosContainerName string

@description('Key Vault URI, e.g. https://kv-x.vault.azure.net/.')
param keyVaultUri string

@description('Pipeline resource names (the %Name% settings the triggers bind to).')
param landingContainerName string
param quarantineContainerName string
param trackingQueueName string
param watermarkTableName string
param runLogTableName string
param vendorDirectoryTableName string

@description('Outbound resource names (the %OutboundQueue% setting the queue trigger binds to).')
param outboundContainerName string
param outboundQueueName string
param blastStatusTableName string
param optOutStatusTableName string

@description('Erasure records and tombstones (ErasureTable), and the days landed files are kept (Retention__Days, as the lifecycle policy).')
param erasureTableName string
@minValue(1)
@maxValue(3650)
param retentionDays int

@description('Real Magnet category id per AMS mailing type ({ Newsletter: \'123\', ... }) for opt-outs; a missing type is not pushed to Real Magnet.')
param realMagnetOptOutCategories object = {}

@description('NCRONTAB schedule of the nightly fetch (UTC).')
param fetchSchedule string

@description('The AMS webhook push: receiver URL (empty: off), schedule, and the Key Vault secret name of its signing secret.')
param amsWebhookUrl string
param amsWebhookSchedule string
param amsWebhookSecretName string

@description('The association\'s effect rules (see EffectsOptions): mailing types and AMS hosts \';\'-separated, interest codes \'pattern => CODE, CODE | ...\'.')
param effectsMailingTypes string
param effectsAmsHosts string
param effectsInterestCodes string
param effectsUserUnknownBouncesBeforeInvalid int

@description('Machine activity thresholds (MachineActivityOptions; docs/machine-activity.md); a missing key keeps its default.')
param effectsMachineActivity object = {}

@description('Whether the Real Magnet adapter runs.')
param realMagnetEnabled bool

@description('Real Magnet REST ApiAdapter base URL.')
param realMagnetBaseUrl string

@description('Key Vault secret names of the Real Magnet credentials (values are set after provisioning).')
param realMagnetUserNameSecretName string
param realMagnetPasswordSecretName string

@description('Informz: whether it runs, its endpoint and brand, and the Key Vault secret names of its credentials.')
param informzEnabled bool
param informzBaseUrl string
param informzBrandId string
param informzUserSecretName string
param informzPasswordSecretName string

@description('HighRoad: whether the HTTPS export is fetched, its URL, and the Key Vault secret names of its credentials.')
param highRoadEnabled bool
param highRoadHttpsUrl string
param highRoadUserNameSecretName string
param highRoadPasswordSecretName string

@description('E-mail service webhooks: whether each is served, and the Key Vault secret names of their verification secrets.')
param sendGridWebhookEnabled bool
param sendGridWebhookKeySecretName string
param mailgunWebhookEnabled bool
param mailgunWebhookKeySecretName string
param sesWebhookEnabled bool
param sesWebhookTopicArns string
param postmarkWebhookEnabled bool
param postmarkWebhookUserSecretName string
param postmarkWebhookPasswordSecretName string

@description('Key Vault secret name of the key that signs the tab API\'s continuation tokens (postprovision generates it).')
param pageTokenKeySecretName string

@description('Entra ID token validation in the worker (ApiSecurityServiceCollectionExtensions): audience and client id of the API app registration.')
param apiAudience string
param apiClientId string

@description('Subnet the app joins for its outbound traffic (app/network-isolation.bicep); empty without network isolation.')
param virtualNetworkSubnetId string = ''

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

var appSettings = [
  // Functions host storage, identity-based (replaces the AzureWebJobsStorage connection string used locally).
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storageBlobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: storageQueueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: storageTableEndpoint
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  // Service Bus trigger and publisher (connection "ServiceBus"), identity-based.
  {
    name: 'ServiceBus__fullyQualifiedNamespace'
    value: serviceBusFullyQualifiedNamespace
  }
  {
    name: 'ServiceBus__credential'
    value: 'managedidentity'
  }
  {
    name: 'ServiceBus__clientId'
    value: identityClientId
  }
  // Cosmos: no key in Azure; the client uses the user-assigned identity.
  {
    name: 'Cosmos__Endpoint'
    value: cosmosEndpoint
  }
  {
    name: 'Cosmos__Database'
    value: cosmosDatabaseName
  }
  {
    name: 'Cosmos__Container'
    value: cosmosContainerName
  }
  {
    name: 'Cosmos__clientId'
    value: identityClientId
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identityClientId
  }
  // Telemetry with Entra ID auth (the component has local auth disabled).
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
  // Pipeline names and switches (EmailIntegrationOptions).
  {
    name: 'FetchSchedule'
    value: fetchSchedule
  }
  {
    name: 'LandingContainer'
    value: landingContainerName
  }
  {
    name: 'QuarantineContainer'
    value: quarantineContainerName
  }
  {
    name: 'TrackingQueue'
    value: trackingQueueName
  }
  {
    name: 'WatermarkTable'
    value: watermarkTableName
  }
  {
    name: 'RunLogTable'
    value: runLogTableName
  }
  {
    name: 'VendorDirectoryTable'
    value: vendorDirectoryTableName
  }
  // Outbound side (OutboundStorageOptions): landed blasts, the outbound queue, blast and opt-out status tables.
  {
    name: 'OutboundContainer'
    value: outboundContainerName
  }
  {
    name: 'OutboundQueue'
    value: outboundQueueName
  }
  {
    name: 'BlastStatusTable'
    value: blastStatusTableName
  }
  {
    name: 'OptOutStatusTable'
    value: optOutStatusTableName
  }
  // Erasure (README, Erasure): records and tombstones; replays refuse runs older than the retention.
  {
    name: 'ErasureTable'
    value: erasureTableName
  }
  {
    name: 'Retention__Days'
    value: string(retentionDays)
  }
  // Field map per vendor (OutboundOptions, section Outbound:FieldMaps:{vendor}): AMS field → vendor field.
  {
    name: 'Outbound__FieldMaps__realmagnet__Email'
    value: 'Email'
  }
  {
    name: 'Outbound__FieldMaps__realmagnet__FirstName'
    value: 'FirstName'
  }
  {
    name: 'Outbound__FieldMaps__realmagnet__LastName'
    value: 'LastName'
  }
  {
    name: 'Outbound__FieldMaps__realmagnet__IndividualId'
    value: 'CustomMemberID'
  }
  {
    name: 'Outbound__FieldMaps__informz__Email'
    value: 'Email'
  }
  {
    name: 'Outbound__FieldMaps__informz__IndividualId'
    value: 'ID'
  }
  {
    name: 'Outbound__FieldMaps__informz__FirstName'
    value: 'FirstName'
  }
  {
    name: 'Outbound__FieldMaps__informz__LastName'
    value: 'LastName'
  }
  {
    name: 'Outbound__FieldMaps__highroad__IndividualId'
    value: 'Individual ID'
  }
  {
    name: 'Outbound__FieldMaps__highroad__Email'
    value: 'Email'
  }
  {
    name: 'Outbound__FieldMaps__highroad__FirstName'
    value: 'First Name'
  }
  {
    name: 'Outbound__FieldMaps__highroad__LastName'
    value: 'Last Name'
  }
  // Real Magnet category id per mailing type, for UnsubscribeRecipient (the association's own ids; empty = not pushed).
  {
    name: 'Outbound__RealMagnet__Categories__Newsletter'
    value: string(realMagnetOptOutCategories.?Newsletter ?? '')
  }
  {
    name: 'Outbound__RealMagnet__Categories__Events'
    value: string(realMagnetOptOutCategories.?Events ?? '')
  }
  {
    name: 'Outbound__RealMagnet__Categories__Advocacy'
    value: string(realMagnetOptOutCategories.?Advocacy ?? '')
  }
  {
    name: 'TrackingTransport'
    value: 'ServiceBus'
  }
  // The HMAC key of the tab API's continuation tokens (Api:PageTokenKey): random, generated by the postprovision hook.
  {
    name: 'Api__PageTokenKey'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${pageTokenKeySecretName})'
  }
  // Bearer tokens from this tenant's Entra ID, validated in the worker (docs/security.md); never a local issuer key here.
  {
    name: 'Auth__Authority'
    value: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
  }
  {
    name: 'Auth__Audience'
    value: apiAudience
  }
  {
    name: 'Auth__ClientId'
    value: apiClientId
  }
  // Effect rules (EffectsOptions, section Effects).
  {
    name: 'Effects__MailingTypes'
    value: effectsMailingTypes
  }
  {
    name: 'Effects__AmsHosts'
    value: effectsAmsHosts
  }
  {
    name: 'Effects__InterestCodes'
    value: effectsInterestCodes
  }
  {
    name: 'Effects__UserUnknownBouncesBeforeInvalid'
    value: string(effectsUserUnknownBouncesBeforeInvalid)
  }
  // Machine activity (MachineActivityOptions, section Effects:MachineActivity); defaults as in the code.
  {
    name: 'Effects__MachineActivity__OpenSecondsAfterDelivery'
    value: string(effectsMachineActivity.?OpenSecondsAfterDelivery ?? '2')
  }
  {
    name: 'Effects__MachineActivity__ClickSecondsAfterDelivery'
    value: string(effectsMachineActivity.?ClickSecondsAfterDelivery ?? '5')
  }
  {
    name: 'Effects__MachineActivity__BurstSeconds'
    value: string(effectsMachineActivity.?BurstSeconds ?? '5')
  }
  {
    name: 'Effects__MachineActivity__BurstDistinctLinks'
    value: string(effectsMachineActivity.?BurstDistinctLinks ?? '3')
  }
  {
    name: 'Effects__MachineActivity__TrustVendorFlag'
    value: toLower(string(effectsMachineActivity.?TrustVendorFlag ?? 'true'))
  }
  {
    name: 'Effects__MachineActivity__UserAgents'
    value: string(effectsMachineActivity.?UserAgents ?? 'Barracuda; Proofpoint; CiscoSecureEmail; Edge/12.246')
  }
  {
    name: 'Effects__MachineActivity__IpRanges'
    value: string(effectsMachineActivity.?IpRanges ?? '')
  }
  // Real Magnet (RealMagnetOptions, section Vendors:RealMagnet); credentials are Key Vault references.
  {
    name: 'Vendors__RealMagnet__Enabled'
    value: toLower(string(realMagnetEnabled))
  }
  {
    name: 'Vendors__RealMagnet__BaseUrl'
    value: realMagnetBaseUrl
  }
  {
    name: 'Vendors__RealMagnet__UserName'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${realMagnetUserNameSecretName})'
  }
  {
    name: 'Vendors__RealMagnet__Password'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${realMagnetPasswordSecretName})'
  }
  // Informz (InformzOptions, section Vendors:Informz).
  {
    name: 'Vendors__Informz__Enabled'
    value: toLower(string(informzEnabled))
  }
  {
    name: 'Vendors__Informz__BaseUrl'
    value: informzBaseUrl
  }
  {
    name: 'Vendors__Informz__BrandId'
    value: informzBrandId
  }
  {
    name: 'Vendors__Informz__User'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${informzUserSecretName})'
  }
  {
    name: 'Vendors__Informz__Password'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${informzPasswordSecretName})'
  }
  // HighRoad (HighRoadOptions, section Vendors:HighRoad); column and kind maps keep their defaults unless set by hand.
  {
    name: 'Vendors__HighRoad__Enabled'
    value: toLower(string(highRoadEnabled))
  }
  {
    name: 'Vendors__HighRoad__Source'
    value: 'Https'
  }
  {
    name: 'Vendors__HighRoad__HttpsUrl'
    value: highRoadHttpsUrl
  }
  {
    name: 'Vendors__HighRoad__HttpsUserName'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${highRoadUserNameSecretName})'
  }
  {
    name: 'Vendors__HighRoad__HttpsPassword'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${highRoadPasswordSecretName})'
  }
  // E-mail service webhooks (WebhookOptions, section Webhooks); verification secrets are Key Vault references.
  {
    name: 'Webhooks__SendGrid__Enabled'
    value: toLower(string(sendGridWebhookEnabled))
  }
  {
    name: 'Webhooks__SendGrid__VerificationKey'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${sendGridWebhookKeySecretName})'
  }
  {
    name: 'Webhooks__Mailgun__Enabled'
    value: toLower(string(mailgunWebhookEnabled))
  }
  {
    name: 'Webhooks__Mailgun__SigningKey'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${mailgunWebhookKeySecretName})'
  }
  {
    name: 'Webhooks__Ses__Enabled'
    value: toLower(string(sesWebhookEnabled))
  }
  {
    name: 'Webhooks__Ses__TopicArns'
    value: sesWebhookTopicArns
  }
  {
    name: 'Webhooks__Postmark__Enabled'
    value: toLower(string(postmarkWebhookEnabled))
  }
  {
    name: 'Webhooks__Postmark__UserName'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${postmarkWebhookUserSecretName})'
  }
  {
    name: 'Webhooks__Postmark__Password'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${postmarkWebhookPasswordSecretName})'
  }
  // The AMS change feed's webhook push (off while the URL is empty).
  {
    name: 'AmsWebhookSchedule'
    value: amsWebhookSchedule
  }
  {
    name: 'Ams__WebhookUrl'
    value: amsWebhookUrl
  }
  {
    name: 'Ams__WebhookSecret'
    value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${amsWebhookSecretName})'
  }
]

module functionApp '../core/host/functions-flexconsumption.bicep' = {
  name: 'api-flexconsumption'
  params: {
    name: name
    planName: planName
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    planTags: tags
    identityId: identityId
    deploymentStorageBlobEndpoint: storageBlobEndpoint
    deploymentStorageContainerName: deploymentStorageContainerName
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    appSettings: appSettings
    virtualNetworkSubnetId: virtualNetworkSubnetId
    logAnalyticsWorkspaceId: logAnalyticsWorkspaceId
  }
}

output name string = functionApp.outputs.name
output defaultHostName string = functionApp.outputs.defaultHostName
output uri string = 'https://${functionApp.outputs.defaultHostName}'
