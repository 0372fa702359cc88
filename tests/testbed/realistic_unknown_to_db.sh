#!/usr/bin/env bash
# realistic.toml models a regional scan where the device DB knows few hosts (the paper:
# ~5% of the hosts with a banner were estimated). Generates what a full scan of it
# yields, runs `narrowscan estimate` with the shipped DB and checks that at most 8% of
# the banner hosts are estimated (and some are: the population keeps a few known
# products). Fails when the DB grows to know the made-up families or a banner of the
# population starts to match by accident.
#   realistic_unknown_to_db.sh TESTBED_BINARY NARROWSCAN_BINARY SOURCE_DIR
set -euo pipefail
testbed=$1 ns=$2 src=$3
work=$(mktemp -d /tmp/narrowscan-realistic-db.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$testbed" generate --population "$src/tests/testbed/populations/realistic.toml" \
  --format hosts-jsonl --output "$work/hosts.jsonl" --truth "$work/truth.jsonl" 2>/dev/null
"$ns" estimate --input "$work/hosts.jsonl" --output "$work/estimates.jsonl" 2>/dev/null
banner_hosts=$(jq -s '[.[] | select(.banners | length > 0)] | length' "$work/hosts.jsonl")
estimated=$(jq -s '[.[] | select(.matches | length > 0)] | length' "$work/estimates.jsonl")
echo "realistic.toml: $estimated of $banner_hosts banner hosts estimated by the shipped DB"
[[ $estimated -gt 0 ]] || { echo "no host estimated: the known products are missing" >&2; exit 1; }
[[ $((estimated * 100)) -le $((banner_hosts * 8)) ]] || {
  echo "more than 8% estimated; estimated hosts by profile:" >&2
  jq -r 'select(.matches | length > 0) | .ip' "$work/estimates.jsonl" >"$work/estimated.txt"
  jq -r '[.ip, .label.profile] | @tsv' "$work/truth.jsonl" |
    awk 'NR == FNR { e[$1] = 1; next } ($1 in e) { print $2 }' "$work/estimated.txt" - |
    sort | uniq -c >&2
  exit 1
}
