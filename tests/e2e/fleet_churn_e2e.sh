#!/usr/bin/env bash
# End-to-end churn (issue 12): the whole system on loopback for three rounds on the
# small churning population with `fleet-run --churn`. Checks the plumbing, not the
# planner's numbers: every round has the truth in force during it (OUT/truth/N.jsonl,
# every line with a host_id), the churn replies of rounds 2 and 3 (OUT/changes/N.json)
# hold moves, vanishes and appears, and each of them is exactly the difference between
# the truth of round N-1 and round N; the evaluation was written.
#   fleet_churn_e2e.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
out=$(mktemp -d /tmp/narrowscan-churn-e2e.XXXXXX)
keep() { echo "churn e2e: output kept in $out" >&2; }
trap keep ERR

"$src/scripts/fleet-run" --build "$build" --population "$src/tests/testbed/populations/small-churn.toml" \
  --out "$out" --rounds 3 --churn --discovery-slices 16 --round-timeout 120

fail=0
check() {  # NAME CONDITION-RESULT
  printf '%-64s %s\n' "$1" "$2"
  [[ $2 == true ]] || fail=1
}
for r in 1 2 3; do
  check "truth/$r.jsonl: every line has a host_id" \
    "$(jq -s 'length > 0 and all(has("host_id"))' "$out/truth/$r.jsonl")"
done
check "no changes before round 1" "$([[ ! -e $out/changes/1.json ]] && echo true || echo false)"
for r in 2 3; do
  c=$out/changes/$r.json
  check "changes/$r.json: ok, with moves, vanishes and appears" \
    "$(jq '.ok and ([.changed[].kind] | (index("move") != null and index("vanish") != null and index("appear") != null))' "$c")"
  # host_id -> ip before and after the round's changes.
  prev=$(jq -s 'map({(.host_id | tostring): .ip}) | add' "$out/truth/$((r - 1)).jsonl")
  now=$(jq -s 'map({(.host_id | tostring): .ip}) | add' "$out/truth/$r.jsonl")
  check "changes/$r.json: moves are in the truth (from -> ip, same host_id)" \
    "$(jq --argjson p "$prev" --argjson n "$now" \
      '[.changed[] | select(.kind == "move") | ($p[.host_id | tostring] == .from and $n[.host_id | tostring] == .ip)] | all' "$c")"
  check "changes/$r.json: vanished hosts left the truth" \
    "$(jq --argjson p "$prev" --argjson n "$now" \
      '[.changed[] | select(.kind == "vanish") | ($p[.host_id | tostring] == .ip and $n[.host_id | tostring] == null)] | all' "$c")"
  check "changes/$r.json: appeared hosts joined the truth" \
    "$(jq --argjson p "$prev" --argjson n "$now" \
      '[.changed[] | select(.kind == "appear") | ($p[.host_id | tostring] == null and $n[.host_id | tostring] == .ip)] | all' "$c")"
  check "truth/$r.jsonl: host count = before - vanished + appeared" \
    "$(jq --argjson p "$prev" --argjson n "$now" \
      '($p | length) - ([.changed[] | select(.kind == "vanish")] | length) + ([.changed[] | select(.kind == "appear")] | length) == ($n | length)' "$c")"
done
check "the final truth is round 3's" "$(cmp -s "$out/truth.jsonl" "$out/truth/3.jsonl" && echo true || echo false)"
check "report.json written" "$(jq 'type == "object"' "$out/report.json")"

if [[ $fail -ne 0 ]]; then keep; exit 1; fi
rm -rf "$out"
echo "churn e2e: all checks passed"
