#!/usr/bin/env bash
# Runs one nightly import locally, end to end, then serves the tab (Ctrl+C to stop).
#   scripts/run-local.sh            import, print the summary, the Tab:/Page: URLs (read-only view links), a Token: (every role) and the Changes: feed URL, keep serving
#   scripts/run-local.sh --once     the same, then exit 0 after the summary
#   scripts/run-local.sh --replay <runId> [--once]   re-process that run's landed files
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

command -v dotnet >/dev/null || { echo "run-local: the .NET SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "run-local: Node.js and npm are required for the emulators" >&2; exit 1; }

"$ROOT/scripts/emulators.sh" start
dotnet build "$ROOT/src/EmailIntegration.LocalRunner/EmailIntegration.LocalRunner.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet "$ROOT/src/EmailIntegration.LocalRunner/bin/Release/net10.0/EmailIntegration.LocalRunner.dll" "$@"
