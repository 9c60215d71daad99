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
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
