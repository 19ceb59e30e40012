#!/usr/bin/env bash
# Runs every test. Installs Azurite from the lock file if missing (the tests start their own Azurite instances on
# free loopback ports), runs dotnet test, and ends with one line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  echo "Installing Azurite from package-lock.json..."
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

rm -rf TestResults
dotnet test Peeker.sln --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory TestResults "$@"
rc=$?

trx=$(find TestResults -name '*.trx' 2>/dev/null | head -n 1)
if [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  passed=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
  failed=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  errors=$(echo "$counters" | sed -n 's/.* error="\([0-9]*\)".*/\1/p')
  timeout=$(echo "$counters" | sed -n 's/.* timeout="\([0-9]*\)".*/\1/p')
  aborted=$(echo "$counters" | sed -n 's/.* aborted="\([0-9]*\)".*/\1/p')
  failed=$(( ${failed:-0} + ${errors:-0} + ${timeout:-0} + ${aborted:-0} ))
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  echo "${passed:-0} passed, ${failed} failed"
else
  echo "0 passed, 1 failed"
  [ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
