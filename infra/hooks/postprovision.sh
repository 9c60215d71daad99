#!/bin/sh
# azd postprovision hook: Bicep creates the Key Vault but no secret values. Report which vendor
# credentials still need one (names only; values are never printed or stored by this script).
set -eu

: "${AZURE_KEY_VAULT_NAME:?run through azd (output of infra/main.bicep)}"
VENDOR_VAULT_ITEMS="${VENDOR_VAULT_ITEMS:-${REALMAGNET_VAULT_ITEMS:?run through azd (output of infra/main.bicep)}}"

if ! command -v az >/dev/null 2>&1; then
  echo "postprovision: Azure CLI (az) not found; check the Key Vault secrets by hand: ${VENDOR_VAULT_ITEMS}" >&2
  exit 0
fi

# With network isolation the vault answers only through its private endpoint: from outside the virtual network every
# data-plane call is refused, which would read below as "every secret missing". Say so instead, and what to do.
if [ "${NETWORK_ISOLATION:-false}" = "true" ] && \
   ! az keyvault secret list --vault-name "${AZURE_KEY_VAULT_NAME}" --maxresults 1 -o none >/dev/null 2>&1; then
  echo "postprovision: ${AZURE_KEY_VAULT_NAME} is reachable only from its virtual network (networkIsolation is on)."
  echo "postprovision: from a machine in that network (or a peered one), generate ${API_PAGE_TOKEN_KEY_SECRET_NAME:-the page token key} and set the vendor secrets:"
  echo "postprovision: re-run this hook there (azd hooks run postprovision), see docs/security.md, \"Network isolation\"."
  exit 0
fi

# The continuation-token signing key is ours, not a vendor's: generate it once, never print it.
if [ -n "${API_PAGE_TOKEN_KEY_SECRET_NAME:-}" ] && \
   ! az keyvault secret show --vault-name "${AZURE_KEY_VAULT_NAME}" --name "${API_PAGE_TOKEN_KEY_SECRET_NAME}" --query id -o tsv >/dev/null 2>&1; then
  key_file=$(mktemp)
  trap 'rm -f "${key_file}"' EXIT
  head -c 32 /dev/urandom | base64 | tr -d '\n' > "${key_file}"
  if az keyvault secret set --vault-name "${AZURE_KEY_VAULT_NAME}" --name "${API_PAGE_TOKEN_KEY_SECRET_NAME}" --file "${key_file}" -o none; then
    echo "postprovision: generated ${API_PAGE_TOKEN_KEY_SECRET_NAME} in ${AZURE_KEY_VAULT_NAME}."
  else
    echo "postprovision: could not set ${API_PAGE_TOKEN_KEY_SECRET_NAME}; the tab API answers 500 until it exists." >&2
  fi
  rm -f "${key_file}"
fi

missing=""
for item in ${VENDOR_VAULT_ITEMS}; do
  if ! az keyvault secret show --vault-name "${AZURE_KEY_VAULT_NAME}" --name "${item}" --query id -o tsv >/dev/null 2>&1; then
    missing="${missing} ${item}"
  fi
done

if [ -n "${missing}" ]; then
  echo "postprovision: Key Vault ${AZURE_KEY_VAULT_NAME} has no value yet for:${missing}"
  echo "postprovision: each enabled vendor's fetch, and each enabled webhook, fails until its secrets are set. Set each once (you hold Key Vault Secrets Officer):"
  for item in ${missing}; do
    echo "  az keyvault secret set --vault-name ${AZURE_KEY_VAULT_NAME} --name ${item} --file <file holding the value>"
  done
  echo "postprovision: then restart the app so the Key Vault references resolve: az functionapp restart -g ${AZURE_RESOURCE_GROUP:-<rg>} -n ${AZURE_FUNCTION_APP_NAME:-<app>}"
else
  echo "postprovision: vendor secrets present in ${AZURE_KEY_VAULT_NAME}."
fi
