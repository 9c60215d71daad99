#!/bin/sh
# azd postdeploy hook:
#  1. subscribes the blob trigger (FanOutLandedFile, Source = EventGrid) to BlobCreated events of the
#     landing container, through the Event Grid system topic that infra/ created on the storage account.
#     The endpoint is the Functions blobs extension webhook, authenticated by the blobs_extension system
#     key, which only exists after the code is deployed: hence a hook and not Bicep. Re-running updates
#     the same subscription.
#  2. checks the deployed app has the Service Bus trigger (built with EnableServiceBusTrigger=true).
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (output of infra/main.bicep)}"
: "${AZURE_FUNCTION_APP_NAME:?run through azd (output of infra/main.bicep)}"
: "${AZURE_FUNCTION_APP_HOSTNAME:?run through azd (output of infra/main.bicep)}"
: "${LANDING_SYSTEM_TOPIC_NAME:?run through azd (output of infra/main.bicep)}"
: "${LANDING_CONTAINER_NAME:?run through azd (output of infra/main.bicep)}"

command -v az >/dev/null 2>&1 || { echo "postdeploy: Azure CLI (az) is required" >&2; exit 1; }

# The host registers the key when it first starts after the deploy: wait for it (bounded).
key=""
attempt=0
while [ -z "${key}" ] && [ "${attempt}" -lt 30 ]; do
  key=$(az functionapp keys list -g "${AZURE_RESOURCE_GROUP}" -n "${AZURE_FUNCTION_APP_NAME}" \
    --query "systemKeys.blobs_extension" -o tsv 2>/dev/null || true)
  if [ -z "${key}" ]; then
    attempt=$((attempt + 1))
    sleep 10
  fi
done
if [ -z "${key}" ]; then
  echo "postdeploy: no blobs_extension system key on ${AZURE_FUNCTION_APP_NAME} after 5 minutes; is FanOutLandedFile deployed?" >&2
  exit 1
fi

endpoint="https://${AZURE_FUNCTION_APP_HOSTNAME}/runtime/webhooks/blobs?functionName=Host.Functions.FanOutLandedFile&code=${key}"

az eventgrid system-topic event-subscription create \
  --name "fan-out-landed-file" \
  --resource-group "${AZURE_RESOURCE_GROUP}" \
  --system-topic-name "${LANDING_SYSTEM_TOPIC_NAME}" \
  --endpoint-type webhook \
  --endpoint "${endpoint}" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/${LANDING_CONTAINER_NAME}/" \
  --event-delivery-schema EventGridSchema \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none
echo "postdeploy: Event Grid subscription fan-out-landed-file -> FanOutLandedFile (container ${LANDING_CONTAINER_NAME})."

functions=$(az functionapp function list -g "${AZURE_RESOURCE_GROUP}" -n "${AZURE_FUNCTION_APP_NAME}" --query "[].name" -o tsv)
case "${functions}" in
  *ApplyIndividualTrackingFromServiceBus*)
    echo "postdeploy: Service Bus trigger ApplyIndividualTrackingFromServiceBus is deployed." ;;
  *)
    echo "postdeploy: ApplyIndividualTrackingFromServiceBus is missing from ${AZURE_FUNCTION_APP_NAME}:" >&2
    echo "postdeploy: the package was built without EnableServiceBusTrigger=true; tracking messages are not being applied." >&2
    exit 1 ;;
esac
