// Key Vault in RBAC mode for the vendor credentials. Bicep creates no secret values: after provisioning
// set them once (infra/hooks/postprovision.sh lists the names and the commands):
//   realmagnet-username   Real Magnet API user name   (Vendors__RealMagnet__UserName)
//   realmagnet-password   Real Magnet API password    (Vendors__RealMagnet__Password)
// The Function App reads them through @Microsoft.KeyVault(SecretUri=...) references resolved with its
// user-assigned identity (Key Vault Secrets User); the versionless URI follows rotations.
@description('Name of the key vault.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags object = {}

@description('Private endpoint only (app/network-isolation.bicep): no public network access.')
param networkIsolation bool = false

@description('Log Analytics workspace the diagnostic settings send to.')
param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: networkIsolation ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: networkIsolation ? 'Deny' : 'Allow'
    }
  }
}

// AuditEvent: every secret read and write, with the caller's identity and address (never a secret value).
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'send-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AuditEvent'
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

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
