#!/bin/sh
# Electronegativity over the Electron main process and preload (or the directory given as $1); fails on
# any HIGH or MEDIUM finding.
#
# Reviewed exceptions are marked in the code with `eng-disable <CHECK>` next to the line, each with its
# reason (the allow-listed shell.openExternal in windows.ts, the transport-only preload in security.ts).
# The AvailableSecurityFixes check needs internet: offline it prints a warning and reports nothing; online
# it reports HIGH when the pinned Electron has known security fixes, which is meant to fail CI.
set -eu
cd "$(dirname "$0")/.."

out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
csv="$out_dir/electronegativity.csv"
electron_version=$(node -p "require('./node_modules/electron/package.json').version")

input=${1:-src-main/app}
# The preload gives electronegativity the commander it was written for (see the file).
node -r ./.ci/electronegativity-commander.cjs node_modules/@doyensec/electronegativity/dist/index.js \
  --input "$input" --output "$csv" --relative \
  --electron-version "$electron_version" --verbose false

if [ ! -s "$csv" ]; then
  echo "electronegativity: no report written to $csv" >&2
  exit 2
fi

echo "--- electronegativity findings (all severities) ---"
cat "$csv"
# Rows look like: CHECK_ID,"SEVERITY","CONFIDENCE",file,...
bad=$(grep -Ec '^[A-Z0-9_]+,"(HIGH|MEDIUM)"' "$csv" || true)
if [ "$bad" -gt 0 ]; then
  echo "electronegativity: $bad HIGH/MEDIUM finding(s); fix them or mark a reviewed exception with eng-disable" >&2
  exit 1
fi
echo "electronegativity: no HIGH or MEDIUM findings"
