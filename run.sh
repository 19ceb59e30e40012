#!/usr/bin/env bash
# Runs Peeker locally: installs Azurite from the lock file if missing, starts it on 127.0.0.1 (disk persistence in
# .azurite/), runs the host on http://127.0.0.1:7071, and stops Azurite again when the host stops.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  echo "Installing Azurite from package-lock.json..."
  npm ci --no-audit --no-fund
fi

azurite_pid=""
if (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null; then
  echo "Storage already listening on 127.0.0.1:10002; using it."
else
  mkdir -p .azurite
  node node_modules/azurite/dist/src/azurite.js --disableTelemetry --skipApiVersionCheck --silent \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --location .azurite --debug .azurite/debug.log >/dev/null 2>&1 &
  azurite_pid=$!
  trap '[ -n "$azurite_pid" ] && kill -TERM "$azurite_pid" 2>/dev/null; wait "$azurite_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null && break
    sleep 0.1
  done
  echo "Azurite started (pid $azurite_pid, data in .azurite/)."
fi

# Development reads local.settings.sample.json (public secrets), seeds the demo partner and mounts the simulators;
# any other environment reads none of it and refuses the sample's secrets (README, "Security").
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
echo "Environment: $ASPNETCORE_ENVIRONMENT"
dotnet run --project Peeker.Functions --no-launch-profile "$@"
