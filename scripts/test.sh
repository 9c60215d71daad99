#!/usr/bin/env bash
# Runs every test: starts the emulators the integration tests need, then the whole solution.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

"$ROOT/scripts/install-chromium.sh"
"$ROOT/scripts/emulators.sh" start

RESULTS="$ROOT/.local/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
set +e
dotnet test "$ROOT/EmailIntegration.sln" -c Release --nologo \
  --logger "console;verbosity=normal" --logger "trx" --results-directory "$RESULTS" 2>&1 | tee "$RESULTS/console.log"
status=${PIPESTATUS[0]}
set -e

# One closing line for every test project together, in the form CI reads.
passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  s=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  echo "test.sh: FAILED (dotnet test exit $status)" >&2
  exit 1
fi
