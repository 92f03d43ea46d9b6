#!/usr/bin/env bash
# The `git draft run` benchmark (`make bench-run`; `make bench` runs it after scripts/bench.sh):
# what git-draft's orchestration costs on top of the agent, in a repository of 20,000 files.
#
# Each timed run is a fresh ticket, so each makes a new worktree (a checkout of every file):
#
#   git draft run ID --executor fast --offline
#
# where `fast` is a command executor that appends a line to one file and exits (about a
# millisecond), and there are no verify commands. The baseline is plain git doing the same
# job by hand, in the same repository, alternating with the runs:
#
#   git worktree add -b B PATH HEAD; (cd PATH && fast-agent); git -C PATH diff --stat;
#   git -C PATH add -A; git -C PATH commit --no-verify
#
# The orchestration overhead is the run's wall time less the agent's own (the `duration_ms`
# git-draft records in the revision: the agent process from spawn to exit). The goal is a run
# within 1.5x the baseline. Prints a table; adds its figures to bench-out/results.json (made by
# scripts/bench.sh; created when missing, figures of an earlier run of this script replaced).
# It is not a test: a slow figure is printed, never fatal; exit 1 only when a command fails.
#
# Environment:
#   GIT_DRAFT         a git-draft binary to use; otherwise the release build of `make install`
#   BENCH_RUN_DIRS    directories in the repository (default 200)
#   BENCH_RUN_FILES   files per directory (default 100)
#   BENCH_RUN_RUNS    timed runs of each side, each on a fresh ticket / branch (default 5)
#   BENCH_OUT         output directory (default bench-out/ at the top of the repository)
#   TMPDIR            where the repository is made (default /tmp). Worktrees are checkouts of
#                     every file: TMPDIR=/dev/shm takes the disk out of the figures
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIRS=${BENCH_RUN_DIRS:-200}
FILES=${BENCH_RUN_FILES:-100}
RUNS=${BENCH_RUN_RUNS:-5}
OUT_DIR=${BENCH_OUT:-$ROOT/bench-out}
GOAL=1.5

NAME=bench-run
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"

for value in "$DIRS" "$FILES" "$RUNS"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUN_DIRS, BENCH_RUN_FILES and BENCH_RUN_RUNS must be positive numbers"
done
TOTAL=$((DIRS * FILES))
have git || die "git is missing"
PYTHON=""
# The interpreter itself, not a version-manager shim that would look for it under $HOME.
if have python3; then PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true); fi

# MARK: Setup

find_binary

WORK=$(mktemp -d "${TMPDIR:-/tmp}/git-draft-bench-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
[[ $WORK != *[[:space:]]* ]] || die "the temporary directory '$WORK' has a space in its name; set TMPDIR"

# `git draft` runs a copy of the binary, first on PATH, away from the caller's configuration;
# its worktrees go under $WORK/data (XDG_DATA_HOME), on the same file system as the baseline's.
mkdir -p "$WORK/bin" "$WORK/home" "$WORK/data" "$WORK/base"
cp "$BIN" "$WORK/bin/git-draft"
export PATH="$WORK/bin:$PATH" HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR GIT_NAMESPACE
unset GIT_DRAFT_TICKET GIT_DRAFT_RUN
if [[ -e "$(git --exec-path)/git-draft" ]]; then
  die "$(git --exec-path)/git-draft exists and would shadow the binary under test"
fi

# The agent: one file changed, nothing else (a shell builtin; no process besides sh itself).
AGENT=$WORK/bin/fast-agent
cat >"$AGENT" <<'EOF'
#!/bin/sh
echo "changed by ${GIT_DRAFT_TICKET:-the baseline}" >>src/d000/f000.txt
EOF
chmod +x "$AGENT"

REPO=$WORK/repo
log "creating a repository of $TOTAL files ($DIRS directories of $FILES)"
git init -q -b main "$REPO"
cd "$REPO"
git config user.name "Bench Runner"
git config user.email bench@example.com
git config draft.executor.fast.command "$AGENT"
if [[ -n $PYTHON ]]; then
  "$PYTHON" - "$DIRS" "$FILES" <<'EOF'
import os, sys
dirs, files = int(sys.argv[1]), int(sys.argv[2])
for d in range(dirs):
    path = "src/d%03d" % d
    os.makedirs(path)
    for f in range(files):
        with open("%s/f%03d.txt" % (path, f), "w") as out:
            out.write("file %d of directory %d\nsome text to diff against\n" % (f, d))
EOF
else
  awk -v dirs="$DIRS" -v files="$FILES" 'BEGIN {
    for (d = 0; d < dirs; d++) {
      dir = sprintf("src/d%03d", d)
      system("mkdir -p " dir)
      for (f = 0; f < files; f++) {
        path = sprintf("%s/f%03d.txt", dir, f)
        printf "file %d of directory %d\nsome text to diff against\n", f, d > path
        close(path)
      }
    }
  }'
fi
git add -A
git commit -q -m "$TOTAL files"
[[ $(git ls-files | wc -l) -eq $TOTAL ]] || die "the repository holds $(git ls-files | wc -l) files, not $TOTAL"

# MARK: Measuring

# now_us: microseconds since the epoch, without a process when bash has EPOCHREALTIME.
if [[ -n ${EPOCHREALTIME:-} ]]; then
  now_us() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "$t"; }
else
  now_us() { printf '%s' $(($(date +%s%N) / 1000)); }
fi
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", (b - a) / 1e6 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# json_field KEY: the first value of KEY (a number or a string without quotes) in the JSON
# on stdin, as `show --json` prints it: one key per line.
json_field() {
  grep -m 1 "^ *\"$1\": " | sed 's/^[^:]*: *"\{0,1\}\([^",]*\).*/\1/'
}

RUN_TIMES=$WORK/run.txt AGENT_TIMES=$WORK/agent.txt BASE_TIMES=$WORK/base.txt BASE_AGENT=$WORK/base-agent.txt
: >"$RUN_TIMES"; : >"$AGENT_TIMES"; : >"$BASE_TIMES"; : >"$BASE_AGENT"

# draft_run N: one `git draft run` on a new ticket; appends the wall time and the agent's
# recorded duration; removes the worktree afterwards (untimed) so tmpfs holds one at a time.
draft_run() {
  local id start end shown agent_ms worktree outcome
  id=$(git draft new "Bench run $1" --state planned)
  sync
  start=$(now_us)
  git draft run "$id" --executor fast --offline >/dev/null 2>"$WORK/run.err" ||
    die "git draft run failed: $(tail -n 3 "$WORK/run.err")"
  end=$(now_us)
  shown=$(git draft show "$id" --json)
  outcome=$(json_field outcome <<<"$shown")
  [[ $outcome == passed ]] || die "run $1 ended '$outcome', not passed"
  [[ $(json_field files_changed <<<"$shown") == 1 ]] || die "run $1 did not change exactly one file"
  agent_ms=$(json_field duration_ms <<<"$shown")
  worktree=$(json_field worktree <<<"$shown")
  if [[ $1 != warm-up ]]; then
    seconds "$start" "$end" >>"$RUN_TIMES"
    awk -v ms="$agent_ms" 'BEGIN { printf "%.6f\n", ms / 1000 }' >>"$AGENT_TIMES"
  fi
  git worktree remove --force "$worktree"
}

# baseline N: the same job with plain git; appends its wall time and its agent step's.
baseline() {
  local path=$WORK/base/b$1 start a0 a1 end
  sync
  start=$(now_us)
  git worktree add -q -b "bench/b$1" "$path" HEAD
  a0=$(now_us)
  (cd "$path" && exec "$AGENT" </dev/null)
  a1=$(now_us)
  git -C "$path" diff --stat >/dev/null
  git -C "$path" add -A
  git -C "$path" commit -q --no-verify -m "Bench baseline $1"
  end=$(now_us)
  [[ $(git -C "$path" diff --name-only HEAD~1 HEAD) == src/d000/f000.txt ]] || die "baseline $1 committed something else"
  if [[ $1 != warm-up ]]; then
    seconds "$start" "$end" >>"$BASE_TIMES"
    seconds "$a0" "$a1" >>"$BASE_AGENT"
  fi
  git worktree remove --force "$path"
}

LOAD=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo unknown)
log "warm-up: one run and one baseline, untimed"
draft_run warm-up
baseline warm-up
for ((i = 1; i <= RUNS; i++)); do
  log "run $i of $RUNS"
  draft_run "$i"
  baseline "$i"
done

RUN_S=$(median <"$RUN_TIMES")
AGENT_S=$(median <"$AGENT_TIMES")
BASE_S=$(median <"$BASE_TIMES")
BASE_AGENT_S=$(median <"$BASE_AGENT")
# Overhead per run (run less its own agent), then the median.
OVER_S=$(paste "$RUN_TIMES" "$AGENT_TIMES" | awk '{ printf "%.6f\n", $1 - $2 }' | median)
EXTRA_S=$(awk -v a="$RUN_S" -v b="$BASE_S" 'BEGIN { printf "%.6f", a - b }')
RATIO=$(awk -v a="$RUN_S" -v b="$BASE_S" 'BEGIN { printf "%.2f", a / b }')
MET=$(awk -v r="$RATIO" -v g="$GOAL" 'BEGIN { print (r <= g) ? "yes" : "NO" }')

# MARK: Report

ms() { awk -v s="$1" 'BEGIN { a = s < 0 ? -s : s; if (a < 0.01) printf "%.1f ms", s * 1e3; else printf "%.0f ms", s * 1e3 }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[[ -n $cpu ]] || cpu=$(uname -m)
printf 'git-draft run bench: %d files (%d directories of %d), one commit | %s CPUs, %s, load %s | %s | median of %d runs, each on a fresh ticket\n' \
  "$TOTAL" "$DIRS" "$FILES" "$(nproc)" "$cpu" "$LOAD" "$(git --version)" "$RUNS"
{
  printf 'figure\tgit-draft\tgit baseline\tratio\tgoal\tmet?\n'
  printf 'git draft run (new worktree, agent changes 1 file)\t%s\t%s\t%sx\t<= %sx git\t%s\n' \
    "$(ms "$RUN_S")" "$(ms "$BASE_S")" "$RATIO" "$GOAL" "$MET"
  printf '  the agent itself\t%s\t%s\t\t\t\n' "$(ms "$AGENT_S")" "$(ms "$BASE_AGENT_S")"
  printf '  orchestration overhead (run - agent)\t%s\t\t\t\t\n' "$(ms "$OVER_S")"
  printf '  beyond plain git (run - baseline)\t%s\t\t\t\t\n' "$(ms "$EXTRA_S")"
} | awk -F'\t' '
  { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
  END {
    for (r = 1; r <= n; r++) {
      line = ""
      for (i = 1; i <= 6; i++) {
        c = cell[r, i]
        if (i == 1 || i >= 5) f = "%-" w[i] "s"; else f = "%" w[i] "s"
        line = line (i > 1 ? " | " : "") sprintf(f, c)
      }
      sub(/[ |]+$/, "", line)
      print line
      if (r == 1) { sep = ""; for (i = 1; i <= 6; i++) { s = ""; for (k = 0; k < w[i]; k++) s = s "-"; sep = sep (i > 1 ? "-+-" : "") s } print sep }
    }
  }'
echo "baseline: git worktree add -b B PATH HEAD, the same agent in PATH, git diff --stat, git add -A, git commit"
echo "agent time: git-draft's duration_ms (spawn to exit of the agent); baseline column: the same agent under plain git"

if [[ -z $PYTHON ]]; then
  log "python3 is missing: $OUT_DIR/results.json not updated"
  exit 0
fi
mkdir -p "$OUT_DIR"
BR_RUN=$RUN_S BR_BASE=$BASE_S BR_AGENT=$AGENT_S BR_BASE_AGENT=$BASE_AGENT_S BR_OVER=$OVER_S BR_GOAL=$GOAL \
  BR_TOTAL=$TOTAL BR_DIRS=$DIRS BR_FILES=$FILES BR_RUNS=$RUNS BR_LOAD=$LOAD BR_CPU=$cpu BR_NPROC=$(nproc) \
  BR_GIT=$(git --version) BR_BIN=$BIN BR_VERSION=$("$BIN" --version 2>/dev/null || echo unknown) \
  BR_TMP=${TMPDIR:-/tmp} "$PYTHON" - "$OUT_DIR/results.json" "$RUN_TIMES" "$BASE_TIMES" <<'EOF'
import datetime, json, os, sys
E = os.environ
path, run_path, base_path = sys.argv[1:4]
try:
    doc = json.load(open(path))
except (OSError, ValueError):
    doc = {"schema": 1, "figures": [], "warnings": []}
f = lambda k: float(E[k])
run, base, agent, over, goal = f("BR_RUN"), f("BR_BASE"), f("BR_AGENT"), f("BR_OVER"), f("BR_GOAL")
ratio = run / base
samples = lambda p: [float(x) for x in open(p).read().split()]
note = ("%d files in %d directories, one commit; each run on a fresh ticket, so a new worktree; "
        "agent appends a line to one file; no verify commands; agent %.1f ms (duration_ms), "
        "overhead (run - agent) %.1f ms; TMPDIR %s" % (int(E["BR_TOTAL"]), int(E["BR_DIRS"]), agent * 1e3, over * 1e3, E["BR_TMP"]))
figure = {
    "id": "run_worktree", "label": "git draft run (%d files, new worktree)" % int(E["BR_TOTAL"]), "unit": "s",
    "git_draft": run, "baseline": base, "ratio": round(ratio, 3),
    "goal": {"kind": "ratio", "value": goal, "text": "<= %gx git" % goal}, "met": ratio <= goal,
    "git_draft_command": "git draft run ID --executor fast --offline",
    "baseline_command": "git worktree add -b B PATH HEAD && (cd PATH && fast-agent) && git -C PATH diff --stat && git -C PATH add -A && git -C PATH commit",
    "git_draft_method": "median of %d (date loop)" % int(E["BR_RUNS"]),
    "baseline_method": "median of %d (date loop)" % int(E["BR_RUNS"]), "note": note,
}
doc["figures"] = [x for x in doc.get("figures", []) if not x.get("id", "").startswith("run_")] + [figure]
doc["run_bench"] = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "files": int(E["BR_TOTAL"]), "directories": int(E["BR_DIRS"]), "runs": int(E["BR_RUNS"]),
    "machine": {"nproc": int(E["BR_NPROC"]), "cpu": E["BR_CPU"], "load_avg_at_start": E["BR_LOAD"]},
    "git": E["BR_GIT"], "git_draft": {"binary": E["BR_BIN"], "version": E["BR_VERSION"]},
    "run_s": run, "baseline_s": base, "agent_s": agent, "baseline_agent_s": f("BR_BASE_AGENT"),
    "overhead_s": over, "beyond_baseline_s": run - base, "ratio": round(ratio, 3), "goal_ratio": goal, "met": ratio <= goal,
    "run_samples_s": samples(run_path), "baseline_samples_s": samples(base_path), "tmpdir": E["BR_TMP"],
}
json.dump(doc, open(path, "w"), indent=2)
print("written: " + path)
EOF
