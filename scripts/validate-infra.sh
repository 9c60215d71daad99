#!/usr/bin/env bash
# Validates infra/: restores the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, pinned in
# tools/bicep/bicep-tool.csproj) into .local/nuget, then builds and lints every .bicep file.
# Fails on ANY error or warning (bicep itself exits 0 on warnings), so the linter rules in
# infra/bicepconfig.json are enforced at warning level.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

BICEP_VERSION=0.49.2
PACKAGES="$ROOT/.local/nuget"
BICEP="$PACKAGES/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"

if [ ! -x "$BICEP" ]; then
  echo "validate-infra: restoring Bicep CLI $BICEP_VERSION from NuGet"
  dotnet restore "$ROOT/tools/bicep/bicep-tool.csproj" --packages "$PACKAGES" --nologo -v quiet
  # NuGet extracts files without the execute bit.
  chmod +x "$BICEP"
fi
"$BICEP" --version

LOG="$ROOT/.local/validate-infra"
mkdir -p "$LOG"
status=0

check() { # $1 = label, $2 = file with the command's combined output, $3 = its exit code
  if [ "$3" -ne 0 ] || grep -Eiq '(^|[ :])(error|warning)( |:)|: (Error|Warning) ' "$2"; then
    echo "validate-infra: $1 FAILED (exit $3):" >&2
    cat "$2" >&2
    status=1
  else
    echo "validate-infra: $1 ok"
  fi
}

# 1. Build the entry point (what azd provisions): compile errors and linter warnings both surface here.
set +e
"$BICEP" build infra/main.bicep --stdout > /dev/null 2> "$LOG/build.txt"
rc=$?
set -e
check "bicep build infra/main.bicep" "$LOG/build.txt" "$rc"

# 2. Lint the entry point and, separately, every .bicep file (a module not referenced by main.bicep
#    is still linted). SARIF makes the count of findings exact, whatever their level.
lint_one() { # $1 = file
  local out="$LOG/lint-$(echo "$1" | tr '/' '_').sarif" rc count
  set +e
  "$BICEP" lint "$1" --diagnostics-format sarif > "$out" 2> "$out.stderr"
  rc=$?
  set -e
  count=$(python3 -c 'import json,sys; print(sum(len(r.get("results",[])) for r in json.load(open(sys.argv[1]))["runs"]))' "$out" 2>/dev/null || echo parse-error)
  if [ "$rc" -ne 0 ] || [ "$count" != "0" ] || [ -s "$out.stderr" ]; then
    echo "validate-infra: bicep lint $1 FAILED (exit $rc, $count findings):" >&2
    "$BICEP" lint "$1" >&2 || true
    cat "$out.stderr" >&2
    status=1
  else
    echo "validate-infra: bicep lint $1 ok"
  fi
}

while IFS= read -r file; do
  lint_one "$file"
done < <(find infra -name '*.bicep' | sort)

if [ "$status" -ne 0 ]; then
  echo "validate-infra: FAILED" >&2
  exit 1
fi
echo "validate-infra: OK (0 errors, 0 warnings)"
