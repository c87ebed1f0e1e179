#!/usr/bin/env bash
# Runs the unit tests and (as root) the integration tests, then prints one closing line
# "tests: N passed, N failed, N skipped". Exit status is non-zero when any test failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
CONFIG=${CONFIG:-Release}
export XEN_MULTIBRIDGE_BIN=${OUT:-$PWD/out}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
# Namespaces a killed earlier run left behind (tests name theirs xhp*): kill what runs in them, then delete them.
# Only in CI (or with XHP_SWEEP=1): on a developer's machine another test run may own them right now.
if [ "$(id -u)" -eq 0 ] && [ "$what" != unit ] && { [ -n "${CI:-}" ] || [ -n "${XHP_SWEEP:-}" ]; }; then
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^xhp/ {print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null && echo "run-tests: removed stale namespace $ns" >&2
  done
fi
run() {
  local project=$1 name=$2
  dotnet test "$project" -c "$CONFIG" --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" || status=1
}
if [ "$what" = all ] || [ "$what" = unit ]; then
  run tests/XenHotplug.Tests/XenHotplug.Tests.csproj unit
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "run-tests: integration tests need root (network namespaces); run 'sudo make test'" >&2
    status=1
  else
    run tests/XenHotplug.IntegrationTests/XenHotplug.IntegrationTests.csproj integration
  fi
fi
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  line=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ $((passed + failed)) -eq 0 ]; then status=1; echo "run-tests: no test ran" >&2; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
