#!/bin/sh
# azd predeploy hook: the deploy build must compile the Service Bus trigger (see azure.yaml).
# azd's `dotnet publish` inherits azd's environment and MSBuild reads environment variables as
# properties, so EnableServiceBusTrigger=true exported in the calling shell equals
# -p:EnableServiceBusTrigger=true. Refuse to deploy without it.
set -eu

if [ "${EnableServiceBusTrigger:-}" != "true" ]; then
  echo "predeploy: EnableServiceBusTrigger is not 'true'." >&2
  echo "predeploy: the app runs with TrackingTransport=ServiceBus and needs the Service Bus trigger compiled in." >&2
  echo "predeploy: run:  export EnableServiceBusTrigger=true  and then azd deploy (or azd up) again." >&2
  exit 1
fi
echo "predeploy: EnableServiceBusTrigger=true; the package will include the Service Bus trigger."
