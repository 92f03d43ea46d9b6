#!/usr/bin/env bash
# The `git draft run` benchmark (`make bench-run`; `make bench` runs it after scripts/bench.sh):
# what git-draft's orchestration costs on top of the agent, in a repository of 20,000 files,
# and what its review and merge commands cost on top of the git they run. Every figure is
# timed beside plain git doing the same job by hand, in the same repository, alternating with
# git-draft, and printed as a ratio (medians).
#
# run: each timed run is a fresh ticket, so each makes a new worktree (a checkout of every file):
#
#   git draft run ID --executor fast --offline
#
# where `fast` is a command executor that appends a line to one file and exits (about a
# millisecond), and there are no verify commands. The baseline:
#
#   git worktree add -b B PATH HEAD; (cd PATH && fast-agent); git -C PATH diff --stat;
#   git -C PATH add -A; git -C PATH commit --no-verify
#
# The orchestration overhead is the run's wall time less the agent's own (the `duration_ms`
# git-draft records in the revision: the agent process from spawn to exit). The goal is a run
# within 1.5x the baseline.
#
# merge: each timed merge is of a fresh ticket, run as above and approved (both untimed), into
# main, which is checked out in the repository:
#
#   git draft merge ID --strategy squash | merge
#
# It merges, moves the ticket to done, and removes the run's worktree and branch. The baseline
# merges a branch made the same way (untimed: git worktree add -b B PATH HEAD, the agent,
# git add -A, git commit), then removes it. Before either is timed, a second passes and the
# worktree's index is refreshed, as it will have been by the time anybody merges: a checkout
# and its index written in the same second leave git to re-read every file once, 100 ms here,
# which would fall on one side or the other by chance:
#
#   squash: git merge --squash B && git commit --no-verify -m M
#   merge:  git merge --no-ff --no-verify -m M B
#   then:   git worktree remove PATH && git branch -D B
#
# review and diff: a board of BENCH_RUN_TICKETS tickets is imported (as scripts/bench.sh does,
# from scripts/bench-gen.py; untimed), then one more ticket gets two revisions, a request for
# changes and three comments, two anchored to lines. Timed, with their baselines:
#
#   git draft review ID      git log --stat --notes=draft TARGET..HEAD (the ticket's commits,
#                            their diff stats and their evidence notes)
#   git draft diff ID --stat git diff --stat BASE HEAD (the same output, checked)
#
# Prints a table; adds its figures to bench-out/results.json (made by scripts/bench.sh; created
# when missing, figures of an earlier run of this script replaced). It is not a test: a slow
# figure is printed, never fatal; exit 1 only when a command fails.
#
# Environment:
#   GIT_DRAFT          a git-draft binary to use; otherwise the release build of `make install`
#   BENCH_RUN_DIRS     directories in the repository (default 200)
#   BENCH_RUN_FILES    files per directory (default 100)
#   BENCH_RUN_RUNS     timed runs of each side of the run figure, each on a fresh ticket /
#                      branch (default 5)
#   BENCH_RUN_MERGES   timed merges of each side of each merge figure, each of a fresh ticket /
#                      branch (default 7)
#   BENCH_RUN_READS    timed runs of each side of the review and diff figures (default 21)
#   BENCH_RUN_TICKETS  tickets imported before the review and diff figures (default 10000; 0
#                      for none; needs python3)
#   BENCH_OUT          output directory (default bench-out/ at the top of the repository)
#   TMPDIR             where the repository is made. Unset: /dev/shm when it is writable with
#                      1 GiB free, else /tmp. Worktrees are checkouts of every file, and tmpfs
#                      takes the disk out of the figures: on this project's ext4 disk a checkout
#                      of 20,000 files takes from 0.5 to 17 s, and the bench over 10 minutes
#                      (TMPDIR=/tmp), against 80 s on tmpfs
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIRS=${BENCH_RUN_DIRS:-200}
FILES=${BENCH_RUN_FILES:-100}
RUNS=${BENCH_RUN_RUNS:-5}
MERGES=${BENCH_RUN_MERGES:-7}
READS=${BENCH_RUN_READS:-21}
BOARD=${BENCH_RUN_TICKETS:-10000}
OUT_DIR=${BENCH_OUT:-$ROOT/bench-out}
GOAL=1.5

NAME=bench-run
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"

for value in "$DIRS" "$FILES" "$RUNS" "$MERGES" "$READS"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] ||
    die "BENCH_RUN_DIRS, BENCH_RUN_FILES, BENCH_RUN_RUNS, BENCH_RUN_MERGES and BENCH_RUN_READS must be positive numbers"
done
[[ $BOARD =~ ^[0-9]+$ ]] || die "BENCH_RUN_TICKETS must be a number, not '$BOARD'"
TOTAL=$((DIRS * FILES))
have git || die "git is missing"
PYTHON=""
# The interpreter itself, not a version-manager shim that would look for it under $HOME.
if have python3; then PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true); fi

# MARK: Setup

find_binary

# Where: $TMPDIR, else tmpfs when it has room for a few checkouts and the board, else /tmp.
PLACE=${TMPDIR:-}
if [[ -z $PLACE ]]; then
  free_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }') || true
  if [[ -w /dev/shm && ${free_kb:-0} =~ ^[0-9]+$ ]] && ((free_kb >= 1048576)); then PLACE=/dev/shm; else PLACE=/tmp; fi
fi
WORK=$(mktemp -d "$PLACE/git-draft-bench-run.XXXXXX")
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
# on stdin, as `show --json` prints it: one key per line. json_last KEY: the last one (in
# `show --json`, the latest revision's).
json_field() {
  grep -m 1 "^ *\"$1\": " | sed 's/^[^:]*: *"\{0,1\}\([^",]*\).*/\1/'
}
json_last() {
  grep "^ *\"$1\": " | tail -n 1 | sed 's/^[^:]*: *"\{0,1\}\([^",]*\).*/\1/'
}

# quietly CMD...: runs CMD with its output discarded; when it fails, dies with its last lines.
quietly() {
  "$@" >/dev/null 2>"$WORK/cmd.err" || die "'$*' failed: $(tail -n 3 "$WORK/cmd.err")"
}

# Samples, one per line, in $WORK/samples/FIGURE.draft and FIGURE.base.
mkdir -p "$WORK/samples"
SAMPLES=$WORK/samples
# sample FIGURE SIDE N START END: keeps the time from START to END unless N is the warm-up.
sample() {
  [[ $3 == warm-up ]] || seconds "$4" "$5" >>"$SAMPLES/$1.$2"
}

# MARK: Run figure

RUN_TIMES=$SAMPLES/run_worktree.draft AGENT_TIMES=$WORK/agent.txt
BASE_TIMES=$SAMPLES/run_worktree.base BASE_AGENT=$WORK/base-agent.txt
: >"$RUN_TIMES"; : >"$AGENT_TIMES"; : >"$BASE_TIMES"; : >"$BASE_AGENT"

# draft_run N: one `git draft run` on a new ticket; appends the wall time and the agent's
# recorded duration; removes the worktree afterwards (untimed) so tmpfs holds one at a time.
draft_run() {
  local id start end shown agent_ms worktree outcome
  id=$(git draft new "Bench run $1" --state planned)
  sync
  start=$(now_us)
  quietly git draft run "$id" --executor fast --offline
  end=$(now_us)
  shown=$(git draft show "$id" --json)
  outcome=$(json_field outcome <<<"$shown")
  [[ $outcome == passed ]] || die "run $1 ended '$outcome', not passed"
  [[ $(json_field files_changed <<<"$shown") == 1 ]] || die "run $1 did not change exactly one file"
  agent_ms=$(json_field duration_ms <<<"$shown")
  worktree=$(json_field worktree <<<"$shown")
  sample run_worktree draft "$1" "$start" "$end"
  [[ $1 == warm-up ]] || awk -v ms="$agent_ms" 'BEGIN { printf "%.6f\n", ms / 1000 }' >>"$AGENT_TIMES"
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
  sample run_worktree base "$1" "$start" "$end"
  [[ $1 == warm-up ]] || seconds "$a0" "$a1" >>"$BASE_AGENT"
  git worktree remove --force "$path"
}

LOAD=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo unknown)
log "git draft run: warm-up, one run and one baseline, untimed"
draft_run warm-up
baseline warm-up
for ((i = 1; i <= RUNS; i++)); do
  log "git draft run: $i of $RUNS"
  draft_run "$i"
  baseline "$i"
done

# MARK: Merge figures

# merged STRATEGY WORKTREE BRANCH WHO: checks that HEAD (main) is the merge just made, of one
# changed file (a merge commit for `merge`, a single-parent commit for `squash`), that the
# main worktree matches it, and that WORKTREE and BRANCH are gone.
merged() {
  local parents
  parents=$(git rev-list --no-walk --parents HEAD | wc -w)
  case $1 in
    squash) ((parents == 2)) || die "$4's squash made a commit with $((parents - 1)) parents" ;;
    merge) ((parents == 3)) || die "$4's merge made a commit with $((parents - 1)) parents" ;;
  esac
  [[ $(git diff --name-only HEAD^1 HEAD) == src/d000/f000.txt ]] || die "$4's $1 merged something else"
  [[ -z $(git status --porcelain --untracked-files=no) ]] || die "after $4's $1 the main worktree differs from HEAD"
  [[ ! -e $2 ]] || die "$4's $1 left the worktree $2"
  ! git show-ref --verify --quiet "refs/heads/$3" || die "$4's $1 left the branch $3"
}

# settle WORKTREE: a second later, its index refreshed (see merge at the top).
settle() {
  sleep 1
  git -C "$1" update-index -q --refresh
  sync
}

# draft_merge STRATEGY N: a new ticket, run and approved (untimed), then the timed
# `git draft merge`; the ticket must be done and its commit on main.
draft_merge() {
  local id shown worktree branch start end
  id=$(git draft new "Bench merge $1 $2" --state planned)
  quietly git draft run "$id" --executor fast --offline
  quietly git draft approve "$id"
  shown=$(git draft show "$id" --json)
  worktree=$(json_field worktree <<<"$shown")
  branch=$(json_field branch <<<"$shown")
  settle "$worktree"
  start=$(now_us)
  quietly git draft merge "$id" --strategy "$1"
  end=$(now_us)
  shown=$(git draft show "$id" --json)
  [[ $(json_field state <<<"$shown") == done ]] || die "merge $2 ($1) left its ticket not done"
  [[ $'\n'$(git log -1 --format=%B)$'\n' == *$'\n'"Draft-Ticket: $(json_field id <<<"$shown")"$'\n'* ]] ||
    die "merge $2 ($1) made a commit without its Draft-Ticket trailer"
  merged "$1" "$worktree" "$branch" "git draft merge"
  sample "merge_$1" draft "$2" "$start" "$end"
}

# baseline_merge STRATEGY N: a branch made as the baseline of run makes it (untimed), then
# the timed plain git merge and removal of its worktree and branch.
baseline_merge() {
  local path=$WORK/base/m$1-$2 branch=bench/$1-$2 start end
  git worktree add -q -b "$branch" "$path" HEAD
  (cd "$path" && exec "$AGENT" </dev/null)
  git -C "$path" add -A
  git -C "$path" commit -q --no-verify -m "Bench baseline $1 $2"
  settle "$path"
  start=$(now_us)
  if [[ $1 == squash ]]; then
    git merge -q --squash "$branch" >/dev/null
    git commit -q --no-verify -m "Bench baseline $1 $2 (squashed)"
  else
    git merge -q --no-ff --no-verify -m "Merge branch '$branch'" "$branch"
  fi
  git worktree remove "$path"
  git branch -q -D "$branch"
  end=$(now_us)
  merged "$1" "$path" "$branch" "the baseline"
  sample "merge_$1" base "$2" "$start" "$end"
}

for strategy in squash merge; do
  log "git draft merge --strategy $strategy: warm-up, one merge and one baseline, untimed"
  draft_merge "$strategy" warm-up
  baseline_merge "$strategy" warm-up
  for ((i = 1; i <= MERGES; i++)); do
    log "git draft merge --strategy $strategy: $i of $MERGES"
    draft_merge "$strategy" "$i"
    baseline_merge "$strategy" "$i"
  done
done

# MARK: Review figures

if ((BOARD > 0)) && [[ -n $PYTHON ]]; then
  log "importing a board of $BOARD tickets (scripts/bench-gen.py, git draft import)"
  "$PYTHON" "$ROOT/scripts/bench-gen.py" tickets "$BOARD" >"$WORK/tickets.jsonl"
  quietly git draft import "$WORK/tickets.jsonl"
elif ((BOARD > 0)); then
  log "python3 is missing: no board imported; review and diff read a board of the tickets made so far"
fi

# The ticket reviewed: two revisions (the second answers a request for changes and a comment
# on the first), then a comment on lines of the second and one on the ticket.
REVIEWED=$(git draft new "Bench review" --state planned)
quietly git draft run "$REVIEWED" --executor fast --offline
quietly git draft comment "$REVIEWED" --rev 1 --file src/d000/f000.txt --line 1 -m "Say why this file changes."
quietly git draft request-changes "$REVIEWED" -m "Keep the first line as it was."
quietly git draft run "$REVIEWED" --executor fast --offline
quietly git draft comment "$REVIEWED" --rev 2 --file src/d000/f000.txt --line 2-3 -m "These two lines, once more."
quietly git draft comment "$REVIEWED" -m "Looks close; one more look at the file."
shown=$(git draft show "$REVIEWED" --json)
[[ $(json_last number <<<"$shown") == 2 && $(json_last outcome <<<"$shown") == passed ]] ||
  die "the reviewed ticket does not have two revisions that passed"
REV_BASE=$(json_last base <<<"$shown")
REV_HEAD=$(json_last head <<<"$shown")
REV_TARGET=$(json_last target <<<"$shown")
TICKETS_ON_BOARD=$(git for-each-ref refs/draft/tickets/ | wc -l)
REVIEW_CMD=(git draft review "$REVIEWED")
REVIEW_BASE=(git log --stat --notes=draft "$REV_TARGET..$REV_HEAD")
DIFF_CMD=(git draft diff "$REVIEWED" --stat)
DIFF_BASE=(git diff --stat "$REV_BASE" "$REV_HEAD")
[[ $("${REVIEW_CMD[@]}") == *"These two lines, once more."* ]] || die "'${REVIEW_CMD[*]}' does not show the open comment"
cmp -s <("${DIFF_CMD[@]}") <("${DIFF_BASE[@]}") || die "'${DIFF_CMD[*]}' and '${DIFF_BASE[*]}' print different stats"

# read_once FIGURE SIDE N CMD...: one timed run of a read command, its output discarded.
read_once() {
  local figure=$1 side=$2 n=$3 start end
  shift 3
  start=$(now_us)
  quietly "$@"
  end=$(now_us)
  sample "$figure" "$side" "$n" "$start" "$end"
}

log "git draft review and git draft diff --stat: warm-up, then $READS runs of each side"
for n in warm-up $(seq "$READS"); do
  read_once review draft "$n" "${REVIEW_CMD[@]}"
  read_once review base "$n" "${REVIEW_BASE[@]}"
  read_once diff_stat draft "$n" "${DIFF_CMD[@]}"
  read_once diff_stat base "$n" "${DIFF_BASE[@]}"
done

# MARK: Report

# Figures, one a line, tab-separated: ID, label, goal ratio (-: none), git-draft command, baseline
# command, repetitions, note. Their medians come from $SAMPLES.
FIGURES=$WORK/figures.tsv
BOARD_NOTE="a board of $TICKETS_ON_BOARD tickets; the ticket has 2 revisions, a request for changes and 3 comments (2 on lines)"
{
  printf 'run_worktree\tgit draft run (new worktree, agent changes 1 file)\t%s\t%s\t%s\t%s\t%s\n' "$GOAL" \
    "git draft run ID --executor fast --offline" \
    "git worktree add -b B PATH HEAD && (cd PATH && fast-agent) && git -C PATH diff --stat && git -C PATH add -A && git -C PATH commit" \
    "$RUNS" "each run on a fresh ticket, so a new worktree; agent appends a line to one file; no verify commands"
  printf 'merge_squash\tgit draft merge --strategy squash (approved run)\t-\t%s\t%s\t%s\t%s\n' \
    "git draft merge ID --strategy squash" \
    "git merge --squash B && git commit && git worktree remove PATH && git branch -D B" \
    "$MERGES" "each of a fresh ticket (git draft run, git draft approve: untimed) into the checked-out main; the baseline's branch made as run's baseline makes it"
  printf 'merge_merge\tgit draft merge --strategy merge (approved run)\t-\t%s\t%s\t%s\t%s\n' \
    "git draft merge ID --strategy merge" \
    "git merge --no-ff B && git worktree remove PATH && git branch -D B" \
    "$MERGES" "each of a fresh ticket (git draft run, git draft approve: untimed) into the checked-out main; the baseline's branch made as run's baseline makes it"
  printf 'review\tgit draft review ID (%s tickets)\t-\t%s\t%s\t%s\t%s\n' "$TICKETS_ON_BOARD" \
    "git draft review ID" "git log --stat --notes=draft TARGET..HEAD" "$READS" "$BOARD_NOTE"
  printf 'diff_stat\tgit draft diff ID --stat (%s tickets)\t-\t%s\t%s\t%s\t%s\n' "$TICKETS_ON_BOARD" \
    "git draft diff ID --stat" "git diff --stat BASE HEAD" "$READS" "$BOARD_NOTE; both print the same stat"
} >"$FIGURES"

RUN_S=$(median <"$RUN_TIMES")
AGENT_S=$(median <"$AGENT_TIMES")
BASE_S=$(median <"$BASE_TIMES")
BASE_AGENT_S=$(median <"$BASE_AGENT")
# Overhead per run (run less its own agent), then the median.
OVER_S=$(paste "$RUN_TIMES" "$AGENT_TIMES" | awk '{ printf "%.6f\n", $1 - $2 }' | median)
EXTRA_S=$(awk -v a="$RUN_S" -v b="$BASE_S" 'BEGIN { printf "%.6f", a - b }')

ms() { awk -v s="$1" 'BEGIN { a = s < 0 ? -s : s; if (a < 0.1) printf "%.1f ms", s * 1e3; else printf "%.0f ms", s * 1e3 }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
[[ -n $cpu ]] || cpu=$(uname -m)
printf 'git-draft run, merge and review bench: %d files (%d directories of %d) in %s | %s CPUs, %s, load %s | %s | medians: run of %d and merge of %d, each on a fresh ticket; review and diff of %d\n' \
  "$TOTAL" "$DIRS" "$FILES" "$PLACE" "$(nproc)" "$cpu" "$LOAD" "$(git --version)" "$RUNS" "$MERGES" "$READS"
{
  printf 'figure\tgit-draft\tgit baseline\tratio\tgoal\tmet?\n'
  while IFS=$'\t' read -r id label goal _; do
    d=$(median <"$SAMPLES/$id.draft") b=$(median <"$SAMPLES/$id.base")
    ratio=$(awk -v a="$d" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
    if [[ $goal != - ]]; then
      printf '%s\t%s\t%s\t%sx\t<= %sx git\t%s\n' "$label" "$(ms "$d")" "$(ms "$b")" "$ratio" "$goal" \
        "$(awk -v r="$ratio" -v g="$goal" 'BEGIN { print (r <= g) ? "yes" : "NO" }')"
    else
      printf '%s\t%s\t%s\t%sx\t-\t-\n' "$label" "$(ms "$d")" "$(ms "$b")" "$ratio"
    fi
    if [[ $id == run_worktree ]]; then
      printf '  the agent itself\t%s\t%s\t\t\t\n' "$(ms "$AGENT_S")" "$(ms "$BASE_AGENT_S")"
      printf '  orchestration overhead (run - agent)\t%s\t\t\t\t\n' "$(ms "$OVER_S")"
      printf '  beyond plain git (run - baseline)\t%s\t\t\t\t\n' "$(ms "$EXTRA_S")"
    fi
  done <"$FIGURES"
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
echo "run baseline: git worktree add -b B PATH HEAD, the same agent in PATH, git diff --stat, git add -A, git commit"
echo "agent time: git-draft's duration_ms (spawn to exit of the agent); baseline column: the same agent under plain git"
echo "merge: each of a fresh ticket's approved run into the checked-out main, then its worktree and branch removed;"
echo "  baselines on a branch made like run's: git merge --squash B && git commit / git merge --no-ff B, then git worktree remove, git branch -D"
echo "review and diff: $BOARD_NOTE; baselines: git log --stat --notes=draft TARGET..HEAD / git diff --stat BASE HEAD"

if [[ -z $PYTHON ]]; then
  log "python3 is missing: $OUT_DIR/results.json not updated"
  exit 0
fi
mkdir -p "$OUT_DIR"
BR_AGENT=$AGENT_S BR_BASE_AGENT=$BASE_AGENT_S BR_OVER=$OVER_S BR_TMP=$PLACE \
  BR_TOTAL=$TOTAL BR_DIRS=$DIRS BR_FILES=$FILES BR_RUNS=$RUNS BR_MERGES=$MERGES BR_READS=$READS BR_BOARD=$TICKETS_ON_BOARD \
  BR_LOAD=$LOAD BR_CPU=$cpu BR_NPROC=$(nproc) BR_GIT=$(git --version) BR_BIN=$BIN \
  BR_VERSION=$("$BIN" --version 2>/dev/null || echo unknown) \
  "$PYTHON" - "$OUT_DIR/results.json" "$FIGURES" "$SAMPLES" <<'EOF'
import datetime, json, os, statistics, sys
E = os.environ
path, figures_path, samples_dir = sys.argv[1:4]
try:
    doc = json.load(open(path))
except (OSError, ValueError):
    doc = {"schema": 1, "figures": [], "warnings": []}
samples = lambda name: [float(x) for x in open(os.path.join(samples_dir, name)).read().split()]
agent, over = float(E["BR_AGENT"]), float(E["BR_OVER"])
repository = "%d files in %d directories" % (int(E["BR_TOTAL"]), int(E["BR_DIRS"]))
figures, samples_s = [], {}
for line in open(figures_path):
    fid, label, goal, draft_cmd, base_cmd, runs, note = line.rstrip("\n").split("\t")
    draft, base = samples(fid + ".draft"), samples(fid + ".base")
    d, b = statistics.median(draft), statistics.median(base)
    ratio = d / b
    if fid == "run_worktree":
        note += "; agent %.1f ms (duration_ms), overhead (run - agent) %.1f ms" % (agent * 1e3, over * 1e3)
    method = "median of %s (date loop)" % runs
    figures.append({
        "id": "run_" + fid.removeprefix("run_"), "label": "%s, %s" % (label, repository), "unit": "s",
        "git_draft": d, "baseline": b, "ratio": round(ratio, 3),
        "goal": {"kind": "ratio", "value": float(goal), "text": "<= %sx git" % goal} if goal != "-"
        else {"kind": "none", "value": None, "text": "-"},
        "met": ratio <= float(goal) if goal != "-" else None,
        "git_draft_command": draft_cmd, "baseline_command": base_cmd,
        "git_draft_method": method, "baseline_method": method,
        "note": "%s, one commit to start; %s; TMPDIR %s" % (repository, note, E["BR_TMP"]),
    })
    samples_s[fid] = {"git_draft": draft, "baseline": base}
doc["figures"] = [x for x in doc.get("figures", []) if not x.get("id", "").startswith("run_")] + figures
run = figures[0]
doc["run_bench"] = {
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "files": int(E["BR_TOTAL"]), "directories": int(E["BR_DIRS"]), "runs": int(E["BR_RUNS"]),
    "merges": int(E["BR_MERGES"]), "reads": int(E["BR_READS"]), "board_tickets": int(E["BR_BOARD"]),
    "machine": {"nproc": int(E["BR_NPROC"]), "cpu": E["BR_CPU"], "load_avg_at_start": E["BR_LOAD"]},
    "git": E["BR_GIT"], "git_draft": {"binary": E["BR_BIN"], "version": E["BR_VERSION"]},
    "run_s": run["git_draft"], "baseline_s": run["baseline"], "agent_s": agent,
    "baseline_agent_s": float(E["BR_BASE_AGENT"]), "overhead_s": over,
    "beyond_baseline_s": run["git_draft"] - run["baseline"], "ratio": run["ratio"],
    "goal_ratio": run["goal"]["value"], "met": run["met"],
    "run_samples_s": samples_s["run_worktree"]["git_draft"],
    "baseline_samples_s": samples_s["run_worktree"]["baseline"],
    "samples_s": samples_s, "tmpdir": E["BR_TMP"],
}
json.dump(doc, open(path, "w"), indent=2)
print("written: " + path)
EOF
