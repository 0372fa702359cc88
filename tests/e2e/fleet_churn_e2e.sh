#!/usr/bin/env bash
# End-to-end churn (issue 12): the whole system on loopback for four rounds on the
# small churning population with `fleet-run --churn`. Checks the plumbing: every round
# has the truth in force during it (OUT/truth/N.jsonl, every line with a host_id), the
# churn replies (OUT/changes/N.json) hold moves, vanishes and appears, and each of them
# is exactly the difference between the truth of round N-1 and round N. And the
# planner: learned profiles narrow hosts no device entry names, every round after the
# first finds nearly every service of the truth in force then while sending a fraction
# of a standard-set scan, and liveness probes find moved hosts the round they arrive.
# (The population churns 5% moves and 2% appears a round, above the realistic 2% and
# 0.5%, so that few hosts give some of each; the bounds are set for that.)
#   fleet_churn_e2e.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
out=$(mktemp -d /tmp/narrowscan-churn-e2e.XXXXXX)
keep() { echo "churn e2e: output kept in $out" >&2; }
trap keep ERR

"$src/scripts/fleet-run" --build "$build" --population "$src/tests/testbed/populations/small-churn.toml" \
  --out "$out" --rounds 4 --churn --discovery-slices 16 --round-timeout 120

fail=0
check() {  # NAME CONDITION-RESULT
  printf '%-64s %s\n' "$1" "$2"
  [[ $2 == true ]] || fail=1
}
for r in 1 2 3 4; do
  check "truth/$r.jsonl: every line has a host_id" \
    "$(jq -s 'length > 0 and all(has("host_id"))' "$out/truth/$r.jsonl")"
done
check "no changes before round 1" "$([[ ! -e $out/changes/1.json ]] && echo true || echo false)"
for r in 2 3 4; do
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
check "the final truth is round 4's" "$(cmp -s "$out/truth.jsonl" "$out/truth/4.jsonl" && echo true || echo false)"
check "report.json written" "$(jq 'type == "object"' "$out/report.json")"

# The planner on a churning population most of whose hosts no entry names.
r=$out/report.json
jq -c '.rounds[] | {round, attempts, reduction, responsive_reduction, coverage_all: .coverage_all.ratio,
  moved: .coverage_by.moved, appeared: .coverage_by.appeared}' "$r"
jq -c .rounds_after_first "$r"
check "rounds 2-4: coverage_all >= 0.93 every round" \
  "$(jq '[.rounds[] | select(.round >= 2) | .coverage_all.ratio >= 0.93] | all and length == 3' "$r")"
check "rounds 2-4: reduction >= 0.75" "$(jq '.rounds_after_first.reduction >= 0.75' "$r")"
check "rounds 2-4: responsive_reduction >= 0.55" "$(jq '.rounds_after_first.responsive_reduction >= 0.55' "$r")"
check "moved hosts found the round they arrived (some services)" \
  "$(jq '[.rounds[] | select(.round >= 3) | .coverage_by.moved.found] | add > 0' "$r")"
ns=$build/controller/cli/narrowscan
profiles=$("$ns" profiles list --store "$out/narrowscan.db" --json)
check "banner profiles of uncatalogued families narrowed hosts and saved attempts" \
  "$(jq '[.[] | select(.source == "banner" and .support >= 5 and .last_round_saved.attempts > 0)] | length >= 3' <<<"$profiles")"
check "open-port profiles narrowed hosts that say nothing" \
  "$(jq '[.[] | select(.source == "ports" and .last_round_saved.attempts > 0)] | length >= 1' <<<"$profiles")"
id=$(jq '[.[] | select(.source == "banner")][0].id' <<<"$profiles")
check "profiles show ID: ports with frequencies" \
  "$("$ns" profiles show "$id" --store "$out/narrowscan.db" --json | jq '.ports | length > 0 and all(.share > 0 and .share <= 1)')"
check "profiles show of an unknown id exits 2" \
  "$("$ns" profiles show 999999 --store "$out/narrowscan.db" >/dev/null 2>&1; [[ $? -eq 2 ]] && echo true || echo false)"

if [[ $fail -ne 0 ]]; then keep; exit 1; fi
rm -rf "$out"
echo "churn e2e: all checks passed"
