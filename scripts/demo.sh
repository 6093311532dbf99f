#!/usr/bin/env bash
# The main job end to end against the embedded lab: start the lab, plan,
# show what one device would get, apply, report, resume, and write the
# change record. Exit code 2 from plan/apply/report is expected: the lab
# includes devices that fail on purpose (wrong password, silent host, ...)
# and one fixed only until its next reload (a follow-up).
set -euo pipefail
bin=${1:-bin/trustfix}
work=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-demo.XXXXXX")
"$bin" lab --inventory-out "$work/lab.yaml" >"$work/lab.log" 2>&1 &
lab=$!
trap 'kill -TERM $lab 2>/dev/null; wait $lab 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/lab.yaml" ] && break; sleep 0.1; done
[ -s "$work/lab.yaml" ] || { cat "$work/lab.log"; exit 1; }
# The lab's own, lab-only credentials (printed by `trustfix lab`).
export TRUSTFIX_PASSWORD=lab-Pa55-w0rd TRUSTFIX_ENABLE_PASSWORD=lab-En4ble-k3y

ok() { rc=$?; [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || exit "$rc"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "trustfix plan -i $work/lab.yaml"
"$bin" plan -i "$work/lab.yaml" 2>/dev/null || ok
step "trustfix plan -i $work/lab.yaml -l asa-edge-1 --diff   (the exact lines apply would send)"
"$bin" plan -i "$work/lab.yaml" -l asa-edge-1 --diff 2>/dev/null || ok
step "trustfix apply -i $work/lab.yaml --journal $work/run.jsonl --yes"
"$bin" apply -i "$work/lab.yaml" --journal "$work/run.jsonl" --yes 2>"$work/apply.log" || ok
step "trustfix report $work/run.jsonl"
"$bin" report "$work/run.jsonl" || ok
step "trustfix apply --resume (the devices that failed get another try; the rest are not touched)"
"$bin" apply -i "$work/lab.yaml" --journal "$work/run.jsonl" --yes --resume 2>>"$work/apply.log" || ok
step "trustfix report $work/run.jsonl -o markdown > $work/change-record.md"
"$bin" report "$work/run.jsonl" -o markdown >"$work/change-record.md" || ok
"$bin" report "$work/run.jsonl" -o html >"$work/change-record.html" || ok
printf '\nJournal, transcripts and logs: %s\n' "$work"
printf 'Change record (paste it into the ticket): %s\n' "$work/change-record.md"
