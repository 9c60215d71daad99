// Deletes landed and quarantined blobs after the retention period: raw vendor files hold every recipient's tracking,
// including anyone erased since (README, Erasure). The app's replay refuses runs older than the same number of days
// (app setting Retention__Days). Azure runs lifecycle policies about once a day, so a blob may outlive the period by up
// to a day or two. https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview
@description('Name of the existing storage account.')
param storageAccountName string

@description('Containers whose blobs are deleted after the retention (landing, quarantine).')
param containerNames array

@description('Days after its last modification (landing and quarantine blobs are written once) that a blob is deleted.')
@minValue(1)
@maxValue(3650)
param retentionDays int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource retention 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-landed-and-quarantined-after-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [for containerName in containerNames: '${containerName}/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: retentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}
