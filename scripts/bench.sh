#!/usr/bin/env bash
# The git-draft benchmark (`make bench`): times git-draft on a board of N tickets next to raw
# git plumbing doing comparable work on the same machine in the same run, and prints a table
# (stdout) and bench-out/results.json. It is not a test: slow figures are printed, never fatal.
# It exits 1 only when a git-draft command fails outright (or setup breaks).
#
# Environment:
#   BENCH_TICKETS      tickets on the board (default 10000)
#   GIT_DRAFT          a git-draft binary to use; otherwise the release build of `make install` is made
#   BENCH_WARMUP       hyperfine warm-up runs of read commands (default 2)
#   BENCH_IMPORT_RUNS  timed runs of each import, each on a fresh repository (default 3)
#   BENCH_SYNC_RUNS    timed runs of each sync figure that needs its state rebuilt (default 3)
#   BENCH_CHANGED      tickets changed on each of two clones before the merging sync (default
#                      1000, at most the number of tickets)
#   BENCH_SLOW_S       a command whose first run takes longer than this many seconds is not
#                      repeated: that one run is its figure (default 10), to bound the runtime
#   BENCH_OUT          output directory (default bench-out/ at the top of the repository)
#   BENCH_HYPERFINE    0 to time with the shell loop even when hyperfine is installed
#   TMPDIR             where the repositories are made (default /tmp). The sync figures write
#                      tens of thousands of small files (git's loose refs on the remote): on a
#                      slow or shared disk they measure the disk; TMPDIR=/dev/shm takes it out
#
# The sync figures (first sync to an empty remote, a sync with nothing to do, the first sync
# of a new clone, a sync merging changes from two clones) use a bare remote on the local disk:
# they time git-draft and git, not a network.
#
# Wall times come from hyperfine (mean, after warm-up) when it is installed
# (apt-get install hyperfine), else from a date +%s%N loop (median of 5). Peak memory is
# the max RSS reported by /usr/bin/time (apt-get install time).
#
# To add a figure: write a figure_* function that calls `measure` for the git-draft command
# and its baseline, then `record`; add it to the list in main.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${BENCH_TICKETS:-10000}
WARMUP=${BENCH_WARMUP:-2}
IMPORT_RUNS=${BENCH_IMPORT_RUNS:-3}
SYNC_RUNS=${BENCH_SYNC_RUNS:-3}
CHANGED=${BENCH_CHANGED:-1000}
SLOW_S=${BENCH_SLOW_S:-10}
OUT_DIR=${BENCH_OUT:-$ROOT/bench-out}
LOOP_RUNS=5

NAME=bench
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

[[ $N =~ ^[1-9][0-9]*$ ]] || die "BENCH_TICKETS must be a positive number, not '$N'"
[[ $CHANGED =~ ^[1-9][0-9]*$ ]] || die "BENCH_CHANGED must be a positive number, not '$CHANGED'"
((CHANGED <= N)) || CHANGED=$N
have git || die "git is missing"
have python3 || die "python3 is missing (it generates the tickets and writes the report)"
# The interpreter itself, not a version-manager shim that would look for it under $HOME.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

# MARK: Setup

# The binary: $GIT_DRAFT, or a fresh release build. Build output goes to stderr.
find_binary

WORK=$(mktemp -d "${TMPDIR:-/tmp}/git-draft-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[[ $WORK != *[[:space:]]* ]] || die "the temporary directory '$WORK' has a space in its name; set TMPDIR"
trap 'exit 130' INT TERM

# `git draft` must run this binary: a copy (a concurrent rebuild cannot swap it mid-run) put
# first on PATH. Keep the run away from the caller's git configuration and environment
# (libgit2 reads $HOME/.gitconfig too).
mkdir -p "$WORK/bin" "$WORK/home"
cp "$BIN" "$WORK/bin/git-draft"
export PATH="$WORK/bin:$PATH" HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR GIT_NAMESPACE
if [[ -e "$(git --exec-path)/git-draft" ]]; then
  die "$(git --exec-path)/git-draft exists and would shadow the binary under test"
fi

# A fresh repository with a local identity: new-repo.sh DIR (also used by hyperfine --prepare).
cat >"$WORK/new-repo.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
rm -rf "$1"
git init -q "$1"
git -C "$1" config user.name "Bench Runner"
git -C "$1" config user.email bench@example.com
EOF
chmod +x "$WORK/new-repo.sh"

# The import baseline, in the current repository: git-import.sh STREAM. fast-import writes the
# objects into one pack (commits through a scratch ref, see bench-gen.py); the N refs are then
# created in a single update-ref transaction, which is much faster than fast-import's own
# ref-by-ref updates (about 5.5 s against 9 s at 10k here); then refs are packed.
cat >"$WORK/git-import.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
git fast-import --quiet --export-marks=.git/bench-marks <"$1"
awk '$1 != ":1" { printf "create refs/bench/tickets/%d %s\n", substr($1, 2) - 2, $2 }
     END { print "delete refs/bench/import" }' .git/bench-marks | git update-ref --stdin
git pack-refs --all
EOF
chmod +x "$WORK/git-import.sh"

# The sync figures' helpers. They rebuild the state of a repository before each timed run
# without deleting anything: on this project's VM (ext4), creating thousands of files right
# after deleting thousands can cost seconds of kernel time, which is noise, not git-draft.
# So every state is built in a new directory, DIR is a symlink to the current one, old ones
# stay until the end of the run (the EXIT trap removes $WORK), and dirty pages are written
# out (sync) before the timed command starts. On ext4 the sync figures still vary by seconds
# (see TMPDIR above).
#
# fresh-remote.sh DIR: DIR becomes an empty bare repository.
cat >"$WORK/fresh-remote.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
new=$(mktemp -d "$1.XXXXXX")
git init -q --bare "$new"
ln -sfn "$new" "$1"
sync
EOF
# forget-remote.sh: deletes every tracking ref (refs/draft-remote/) of the current repository,
# so that its next sync is a first sync.
cat >"$WORK/forget-remote.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
git for-each-ref --format='delete %(refname)' refs/draft-remote/ | git update-ref --stdin
sync
EOF
# clone.sh REMOTE DIR MACHINE: DIR becomes a plain `git clone` of REMOTE with its own identity
# and draft.machine. (The remote has no branch: git's warning about that is silenced.)
cat >"$WORK/clone.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
new=$(mktemp -d "$2.XXXXXX")
git clone -q "$1" "$new" 2>/dev/null
git -C "$new" config user.name "Bench $3"
git -C "$new" config user.email "$3@example.com"
git -C "$new" config draft.machine "$3"
ln -sfn "$new" "$2"
sync
EOF
# edit-many.sh IDS LABEL: `git draft edit ID --add-label LABEL` for every id in the file IDS,
# one process each: a real change per ticket (one op pack, one commit, one ref update).
cat >"$WORK/edit-many.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
while read -r id; do
  git draft edit "$id" --add-label "$2" >/dev/null
done <"$1"
EOF
# save.sh DIR...: copies the repository DIR points at to DIR.saved.
cat >"$WORK/save.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
for dir in "$@"; do
  mkdir "$dir.saved"
  cp -a "$dir/." "$dir.saved/"
done
EOF
# restore.sh DIR...: each DIR becomes a new copy of DIR.saved.
cat >"$WORK/restore.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
for dir in "$@"; do
  new=$(mktemp -d "$dir.XXXXXX")
  cp -a "$dir.saved/." "$new/"
  ln -sfn "$new" "$dir"
done
sync
EOF
chmod +x "$WORK/fresh-remote.sh" "$WORK/forget-remote.sh" "$WORK/clone.sh" "$WORK/edit-many.sh" \
  "$WORK/save.sh" "$WORK/restore.sh"

TICKETS=$WORK/tickets.jsonl
STREAM=$WORK/fast-import.stream
REPO=$WORK/draft       # git-draft's repository: imported into, then read by every later figure
BASE_REPO=$WORK/base   # the import baseline's repository
REMOTE=$WORK/remote.git     # the bare remote the board syncs with: $REPO's origin
PUSH_REMOTE=$WORK/push.git  # the bare remote of the `git push` baseline
CLONE=$WORK/clone           # a fresh `git clone` of $REMOTE
CLONE_A=$WORK/clone-a       # two clones of $REMOTE that each change $CHANGED tickets
CLONE_B=$WORK/clone-b
# What `git draft sync` fetches, as it asks git for it: the same refspecs, into its own
# tracking refs, for the baselines (see fetchBoard in Sources/DraftKit/Sync/Sync.swift).
FETCH_SPECS="--no-tags --no-write-fetch-head --prune origin '+refs/draft/*:refs/draft-remote/origin/draft/*' '+refs/notes/draft*:refs/draft-remote/origin/notes/draft*'"
ROWS=$WORK/rows.tsv
WARNINGS=$WORK/warnings.txt
FAILED=0
: >"$ROWS"
: >"$WARNINGS"

warn() { log "warning: $*"; printf '%s\n' "$*" >>"$WARNINGS"; }

USE_HYPERFINE=0
if [[ ${BENCH_HYPERFINE:-1} != 0 ]] && have hyperfine; then
  USE_HYPERFINE=1
  TOOL="hyperfine $(hyperfine --version | awk '{print $2}')"
  STATISTIC="mean after $WARMUP warm-up runs"
else
  TOOL="date +%s%N loop"
  STATISTIC="median of $LOOP_RUNS runs after 1 warm-up run"
  have hyperfine || log "hyperfine is not installed (apt-get install hyperfine); timing with a shell loop"
fi
HAVE_TIME=0
if [[ -x /usr/bin/time ]]; then HAVE_TIME=1; else log "/usr/bin/time is missing: no memory figures"; fi

# MARK: Measuring

now_ns() { date +%s%N; }

# time_once CMD: runs CMD once in a subshell (no extra exec of bash), output discarded.
# Sets ONCE_S (wall seconds) and ONCE_ERR (first line of stderr); returns CMD's status.
time_once() {
  local start end status=0
  start=$(now_ns)
  (eval "$1") >/dev/null 2>"$WORK/once.err" || status=$?
  end=$(now_ns)
  ONCE_S=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  ONCE_ERR=$(head -n 1 "$WORK/once.err")
  return "$status"
}

# probe CMD: runs CMD once (in bash, in the current directory) with output discarded.
# Sets PROBE_S (wall seconds), PROBE_KB (max RSS, empty without /usr/bin/time) and
# PROBE_ERR (first line of stderr); returns CMD's status.
probe() {
  local cmd=$1 start end status=0
  PROBE_KB="" PROBE_ERR=""
  start=$(now_ns)
  if ((HAVE_TIME)); then
    /usr/bin/time -f '%M' -o "$WORK/probe.rss" bash -c "$cmd" >/dev/null 2>"$WORK/probe.err" || status=$?
  else
    bash -c "$cmd" >/dev/null 2>"$WORK/probe.err" || status=$?
  fi
  end=$(now_ns)
  PROBE_S=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
  ((HAVE_TIME)) && PROBE_KB=$(tail -n 1 "$WORK/probe.rss")
  PROBE_ERR=$(head -n 1 "$WORK/probe.err")
  return "$status"
}

# measure CMD [PREPARE] [RUNS]: the wall time of CMD, a bash command run in the current
# directory with its output discarded. PREPARE (a command) runs before every run, RUNS fixes
# the number of timed runs. A first probe run checks that CMD works and serves as warm-up.
# Sets M_S (seconds), M_KB (max RSS of the probe run), M_METHOD and M_ERR; returns 1 when
# CMD fails. Every figure measures its own baseline right after its git-draft command (figures
# drift together when the machine is busy); max RSS per command is kept in PEAK_KB.
declare -A PEAK_KB=()
measure() {
  local cmd=$1 prepare=${2:-} runs=${3:-}
  M_S="" M_KB="" M_METHOD="" M_ERR=""
  [[ -z $prepare ]] || bash -c "$prepare" >/dev/null
  if ! probe "$cmd"; then
    M_METHOD="error" M_ERR=${PROBE_ERR:-"exit status non-zero"}
    return 1
  fi
  M_KB=$PROBE_KB
  [[ -z $M_KB ]] || PEAK_KB["$PWD|$cmd"]=$M_KB
  if gt "$PROBE_S" "$SLOW_S"; then
    M_S=$PROBE_S M_METHOD="1 run (over ${SLOW_S} s, not repeated)"
  elif ((USE_HYPERFINE)); then
    local args=(--style none --export-json "$WORK/hf.json")
    if [[ -n $prepare ]]; then
      # The probe was the warm-up; the prepared state (a fresh repository) is rebuilt each run.
      args+=(--warmup 0 --prepare "$prepare")
    else
      args+=(--warmup "$WARMUP")
      # Without a shell unless the command needs one (hyperfine subtracts the shell's start).
      [[ $cmd == *[\&\|\;\<\>\'\"\$]* ]] || args+=(-N)
    fi
    if [[ -n $runs ]]; then args+=(--runs "$runs"); else args+=(--min-runs 3 --max-runs 50); fi
    if hyperfine "${args[@]}" -- "$cmd" >/dev/null 2>"$WORK/hf.err"; then
      IFS=$'\t' read -r M_S M_METHOD < <("$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.6f\thyperfine mean of %d (sd %.1f ms, min %.1f ms)" % (
    r["mean"], len(r["times"]), (r["stddev"] or 0) * 1e3, r["min"] * 1e3))' "$WORK/hf.json")
    else
      warn "hyperfine failed on '$cmd' ($(head -n 1 "$WORK/hf.err")); using the probe run"
      M_S=$PROBE_S M_METHOD="1 run"
    fi
  else
    local times=() i
    runs=${runs:-$LOOP_RUNS}
    for ((i = 0; i < runs; i++)); do
      [[ -z $prepare ]] || bash -c "$prepare" >/dev/null
      time_once "$cmd" || { M_METHOD="error" M_ERR="run $((i + 2)): $ONCE_ERR"; return 1; }
      times+=("$ONCE_S")
    done
    M_S=$(printf '%s\n' "${times[@]}" | sort -n |
      awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.6f", m }')
    M_METHOD="median of $runs (min $(printf '%s\n' "${times[@]}" | sort -n | awk 'NR == 1 { printf "%.1f", $1 * 1e3 }') ms)"
  fi
  [[ -z $M_KB ]] || PEAK_KB["$PWD|$cmd"]=$M_KB
  return 0
}

# Runs measure and, when the command fails, keeps going with an empty figure.
measure_or_note() {
  if ! measure "$@"; then
    FAILED=1
    warn "'$1' failed: $M_ERR"
  fi
}

# record ID LABEL UNIT DRAFT BASE GOAL_KIND GOAL DRAFT_CMD BASE_CMD DRAFT_METHOD BASE_METHOD NOTE
#   UNIT s | KB; GOAL_KIND max (draft value below GOAL) | ratio (draft/base at most GOAL) | none.
#   An empty DRAFT or BASE is a figure that could not be measured.
record() {
  local IFS=$'\t'
  local fields=("$@")
  fields=("${fields[@]//$'\t'/ }")
  printf '%s\n' "${fields[*]}" >>"$ROWS"
}

# MARK: Figures

# Import of N tickets into an empty repository, against git plumbing writing the same shape
# of data: per ticket one root commit whose tree holds `version` and `ops.json` (the ticket's
# JSON line, about the size of git-draft's op pack) on its own ref (git fast-import, then one
# `git update-ref --stdin` transaction), then `git pack-refs --all` because git-draft packs
# refs after a large import too. The baseline does no JSON parsing, hashing or planning.
# Both start from a fresh repository every run. The git-draft repository of the last run is
# the board every later figure reads.
figure_import() {
  local draft_cmd="git draft import $TICKETS"
  local base_cmd="git fast-import <stream && git update-ref --stdin <N creates && git pack-refs --all"
  local d_s d_method b_s b_method
  cd "$WORK"
  log "import: git-draft ($N tickets)"
  measure_or_note "cd $REPO && $draft_cmd" "$WORK/new-repo.sh $REPO" "$IMPORT_RUNS"
  d_s=$M_S d_method=$M_METHOD
  log "import: git fast-import baseline"
  measure_or_note "cd $BASE_REPO && $WORK/git-import.sh $STREAM" "$WORK/new-repo.sh $BASE_REPO" "$IMPORT_RUNS"
  b_s=$M_S b_method=$M_METHOD
  record import "import $N tickets" s "$d_s" "$b_s" max 5 \
    "$draft_cmd" "$base_cmd" "$d_method" "$b_method" \
    "import baseline: git fast-import of $N root commits (tree: version + ops.json), $N refs in one git update-ref --stdin transaction, git pack-refs --all"
  rm -rf "$BASE_REPO"
  [[ -n $d_s ]] || { report; exit 1; }  # nothing to read without a board
  check_board
}

# Sanity checks of the imported board (warnings, not failures).
check_board() {
  local refs listed
  refs=$(git -C "$REPO" for-each-ref refs/draft/tickets/ | wc -l)
  ((refs == N)) || warn "import made $refs ticket refs, not $N"
  listed=$(cd "$REPO" && git draft list --all 2>/dev/null | wc -l) || true
  ((listed == N)) || warn "'git draft list --all' printed $listed lines for $N tickets"
}

# The baseline of every listing: git's own walk over the same refs.
BASE_LIST_CMD="git for-each-ref refs/draft/"

# figure_read ID COMMAND: a warm read command against `git for-each-ref`; goal within 2x.
figure_read() {
  local id=$1 cmd=$2 d_s d_method
  log "$cmd"
  cd "$REPO"
  measure_or_note "$cmd"
  d_s=$M_S d_method=$M_METHOD
  measure_or_note "$BASE_LIST_CMD"
  record "$id" "$cmd" s "$d_s" "$M_S" ratio 2 "$cmd" "$BASE_LIST_CMD" "$d_method" "$M_METHOD" "warm cache"
}

# The first listing without .git/draft/cache, which it rebuilds by replaying every ticket:
# one run, informational (no goal).
figure_list_cold() {
  local cache d_s
  log "git draft list (cold cache)"
  cd "$REPO"
  cache=$(git rev-parse --git-common-dir)/draft/cache
  [[ -e $cache ]] || warn "$cache did not exist before the cold run (is the cache elsewhere?)"
  rm -f "$cache"
  if time_once "git draft list"; then
    d_s=$ONCE_S
    [[ -e $cache ]] || warn "'git draft list' did not write $cache"
  else
    d_s="" FAILED=1
    warn "'git draft list' (cold) failed: $ONCE_ERR"
  fi
  measure_or_note "$BASE_LIST_CMD"
  record list_cold "git draft list (cold cache)" s "$d_s" "$M_S" none "" \
    "rm $cache; git draft list" "$BASE_LIST_CMD" "1 run" "$M_METHOD" "cache removed first"
}

# One ticket in full against git printing its tip commit.
figure_show() {
  local id cmd base_cmd d_s d_method
  cd "$REPO"
  id=$(git for-each-ref --count=1 --format='%(refname:lstrip=3)' refs/draft/tickets/)
  cmd="git draft show $id"
  base_cmd="git cat-file -p refs/draft/tickets/$id"
  log "git draft show <id>"
  measure_or_note "$cmd"
  d_s=$M_S d_method=$M_METHOD
  measure_or_note "$base_cmd"
  record show "git draft show <id>" s "$d_s" "$M_S" max 0.020 "$cmd" "$base_cmd" "$d_method" "$M_METHOD" ""
}

# Peak memory of the largest output, against git's ref walk: max RSS of one run (the probe
# run of the timing figures when there was one).
figure_memory() {
  local cmd="git draft list --json" d_kb b_kb
  ((HAVE_TIME)) || {
    record mem_list_json "max RSS: $cmd" KB "" "" max 102400 "$cmd" "$BASE_LIST_CMD" \
      "n/a" "n/a" "/usr/bin/time is missing"
    return
  }
  log "max RSS of $cmd"
  cd "$REPO"
  d_kb=${PEAK_KB["$PWD|$cmd"]:-}
  if [[ -z $d_kb ]]; then
    if probe "$cmd"; then d_kb=$PROBE_KB; else FAILED=1; warn "'$cmd' failed: $PROBE_ERR"; fi
  fi
  b_kb=${PEAK_KB["$PWD|$BASE_LIST_CMD"]:-}
  if [[ -z $b_kb ]]; then
    probe "$BASE_LIST_CMD" || FAILED=1
    b_kb=$PROBE_KB
  fi
  record mem_list_json "max RSS: $cmd" KB "$d_kb" "$b_kb" max 102400 "$cmd" "$BASE_LIST_CMD" \
    "/usr/bin/time %M, 1 run" "/usr/bin/time %M, 1 run" "MB = 1024 KB"
}

# MARK: Sync figures
#
# $REPO's board goes to a bare remote ($REMOTE, its origin, on the local disk, so that the
# figures are git-draft's work and git's, not a network's), then comes back through clones.
# Every baseline is plain git moving the same refs in the same run: the commands git-draft
# itself runs for transport (it calls the user's git), without anything git-draft adds.

# The first sync to an empty bare remote, against `git push` of the same refs into another
# empty bare remote. Both send every ticket's commits and create N refs there; the sync also
# fetches (nothing yet), then records N tracking refs. Every run starts from an empty remote,
# with $REPO's tracking refs deleted. Goal: within 1.2x.
figure_sync_first() {
  local draft_cmd="git draft sync"
  local base_cmd="git push -q $PUSH_REMOTE 'refs/draft/*:refs/draft/*'"
  local d_s d_method refs
  cd "$REPO"
  git remote add origin "$REMOTE"
  log "git draft sync (first, to an empty remote)"
  measure_or_note "$draft_cmd" "$WORK/fresh-remote.sh $REMOTE && $WORK/forget-remote.sh" "$SYNC_RUNS"
  d_s=$M_S d_method=$M_METHOD
  refs=$(git -C "$REMOTE" for-each-ref refs/draft/tickets/ | wc -l)
  ((refs == N)) || warn "the first sync left $refs ticket refs on the remote, not $N"
  log "git push baseline"
  measure_or_note "$base_cmd" "$WORK/fresh-remote.sh $PUSH_REMOTE" "$SYNC_RUNS"
  record sync_first "git draft sync (first, to an empty remote)" s "$d_s" "$M_S" ratio 1.2 \
    "$draft_cmd" "$base_cmd" "$d_method" "$M_METHOD" \
    "each run pushes $N tickets into a new empty bare repository (a local path), the board's tracking refs deleted first"
  [[ -n $d_s ]]
}

# A sync when nothing changed on either side, against the same no-op `git fetch` (the
# refspecs git-draft fetches, into its tracking refs) followed by a no-op `git push` of the
# board. Goal: within 2x.
figure_sync_noop() {
  local draft_cmd="git draft sync"
  local base_cmd="git fetch -q $FETCH_SPECS && git push -q origin 'refs/draft/*:refs/draft/*'"
  local d_s d_method
  cd "$REPO"
  log "git draft sync (nothing changed)"
  measure_or_note "$draft_cmd"
  d_s=$M_S d_method=$M_METHOD
  measure_or_note "$base_cmd"
  record sync_noop "git draft sync (nothing changed)" s "$d_s" "$M_S" ratio 2 \
    "$draft_cmd" "$base_cmd" "$d_method" "$M_METHOD" "board and remote already in sync"
}

# The first sync of a fresh `git clone` of the remote: it fetches N tickets, checks each, and
# creates them on the local board. Against git fetching the same refspecs into a fresh clone.
# Informational (no goal).
figure_sync_clone() {
  local prepare="$WORK/clone.sh $REMOTE $CLONE clone"
  local draft_cmd="git draft sync" base_cmd="git fetch -q $FETCH_SPECS"
  local d_s d_method refs
  cd "$WORK"
  log "git draft sync (first, in a new clone)"
  measure_or_note "cd $CLONE && $draft_cmd" "$prepare" "$SYNC_RUNS"
  d_s=$M_S d_method=$M_METHOD
  refs=$(git -C "$CLONE" for-each-ref refs/draft/tickets/ | wc -l)
  ((refs == N)) || warn "the first sync of a new clone made $refs ticket refs, not $N"
  measure_or_note "cd $CLONE && $base_cmd" "$prepare" "$SYNC_RUNS"
  record sync_clone "git draft sync (first, in a new clone)" s "$d_s" "$M_S" none "" \
    "$draft_cmd" "$base_cmd" "$d_method" "$M_METHOD" "each run in a new git clone of the remote"
}

# Two clones each change $CHANGED tickets (`git draft edit --add-label`, one process per
# ticket; half of B's tickets are also changed by A); A syncs, then B's sync is the figure:
# it fetches A's changes, fast-forwards the tickets only A changed, merges those both changed,
# and pushes. Against plain git moving the same refs between the same repositories: the same
# fetch, then a push of the board forced (plain git cannot merge, so nothing is merged).
# Every run starts from copies of B and the remote saved before B's sync. Afterwards both
# clones must export the same board. Goal: under 3 s.
figure_sync_changes() {
  local ids=$WORK/ids a_ids=$WORK/ids-a b_ids=$WORK/ids-b first both start edit_s a_s summary
  local draft_cmd="git draft sync"
  local base_cmd="git fetch -q $FETCH_SPECS && git push -q --force origin 'refs/draft/*:refs/draft/*'"
  local prepare="$WORK/restore.sh $CLONE_B $REMOTE" d_s d_method pid_a pid_b status=0
  cd "$WORK"
  log "git draft sync ($CHANGED tickets changed on each of two clones): preparing the clones"
  "$WORK/clone.sh" "$REMOTE" "$CLONE_A" clone-a
  "$WORK/clone.sh" "$REMOTE" "$CLONE_B" clone-b
  (cd "$CLONE_A" && git draft sync >/dev/null) && (cd "$CLONE_B" && git draft sync >/dev/null) || {
    FAILED=1
    warn "the clones' first sync failed"
    return
  }
  git -C "$REMOTE" for-each-ref --format='%(refname:lstrip=3)' refs/draft/tickets/ >"$ids"
  head -n "$CHANGED" "$ids" >"$a_ids"
  first=$((CHANGED / 2 + 1))
  ((first + CHANGED - 1 <= N)) || first=$((N - CHANGED + 1))
  sed -n "$first,$((first + CHANGED - 1))p" "$ids" >"$b_ids"
  both=$(sort "$a_ids" "$b_ids" | uniq -d | wc -l)
  log "editing $CHANGED tickets in each clone ($both in both), $((2 * CHANGED)) git draft edit processes"
  start=$(now_ns)
  (cd "$CLONE_A" && "$WORK/edit-many.sh" "$a_ids" changed-a) &
  pid_a=$!
  (cd "$CLONE_B" && "$WORK/edit-many.sh" "$b_ids" changed-b) &
  pid_b=$!
  wait "$pid_a" || status=$?
  wait "$pid_b" || status=$?
  edit_s=$(awk -v a="$start" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  if ((status != 0)); then
    FAILED=1
    warn "'git draft edit' failed while preparing the merge figure"
    return
  fi
  log "edits took $edit_s s; clone A syncs first"
  if time_once "cd $CLONE_A && git draft sync"; then a_s=$ONCE_S; else
    FAILED=1
    warn "clone A's sync failed: $ONCE_ERR"
    return
  fi
  "$WORK/save.sh" "$CLONE_B" "$REMOTE"
  log "git draft sync in clone B (merges)"
  measure_or_note "cd $CLONE_B && $draft_cmd" "$prepare" "$SYNC_RUNS"
  d_s=$M_S d_method=$M_METHOD
  # One more run for its summary line, then both clones must show the same board.
  "$WORK/restore.sh" "$CLONE_B" "$REMOTE"
  summary=$(cd "$CLONE_B" && git draft sync 2>&1 | tail -n 1) || true
  log "clone B: $summary"
  (cd "$CLONE_A" && git draft sync >/dev/null 2>&1) || warn "clone A's second sync failed"
  if ! cmp -s <(cd "$CLONE_A" && git draft export) <(cd "$CLONE_B" && git draft export); then
    warn "after syncing, clones A and B export different boards"
  fi
  local labelled
  labelled=$(cd "$CLONE_B" && git draft list --all label:changed-a label:changed-b | wc -l)
  ((labelled == both)) || warn "$labelled tickets carry both clones' labels after the merge, not $both"
  log "plain git baseline"
  measure_or_note "cd $CLONE_B && $base_cmd" "$prepare" "$SYNC_RUNS"
  record sync_merge "git draft sync ($CHANGED changed on each of 2 clones)" s "$d_s" "$M_S" max 3 \
    "$draft_cmd" "$base_cmd" "$d_method" "$M_METHOD" \
    "clone B after clone A synced (A's sync: $(awk -v s="$a_s" 'BEGIN { printf "%.2f", s }') s); B's summary: $summary; baseline forced, as plain git cannot merge; edits took $edit_s s, untimed"
}

# MARK: Report

report() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  [[ -n $cpu ]] || cpu=$(uname -m)
  mkdir -p "$OUT_DIR"
  BENCH_N=$N BENCH_NPROC=$(nproc) BENCH_CPU=${cpu:-unknown} BENCH_KERNEL=$(uname -sr) BENCH_LOAD=$LOAD \
    BENCH_GIT=$(git --version) BENCH_BIN=$BIN BENCH_VERSION=$("$BIN" --version 2>/dev/null || echo unknown) \
    BENCH_TOOL=$TOOL BENCH_STATISTIC=$STATISTIC BENCH_IMPORT_RUNS=$IMPORT_RUNS BENCH_SLOW=$SLOW_S \
    BENCH_SYNC_RUNS=$SYNC_RUNS BENCH_CHANGED=$CHANGED \
    "$PYTHON" - "$ROWS" "$WARNINGS" "$OUT_DIR/results.json" <<'EOF'
import datetime, json, os, sys
E = os.environ
rows_path, warnings_path, out_path = sys.argv[1:4]
meta = {
    "tickets": int(E["BENCH_N"]),
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "machine": {"nproc": int(E["BENCH_NPROC"]), "cpu": E["BENCH_CPU"], "kernel": E["BENCH_KERNEL"],
                "load_avg_at_start": E["BENCH_LOAD"]},
    "git": E["BENCH_GIT"],
    "git_draft": {"binary": E["BENCH_BIN"], "version": E["BENCH_VERSION"]},
    "timing": {"tool": E["BENCH_TOOL"], "statistic": E["BENCH_STATISTIC"],
               "import_runs": int(E["BENCH_IMPORT_RUNS"]), "slow_s": float(E["BENCH_SLOW"]),
               "sync_runs": int(E["BENCH_SYNC_RUNS"])},
    "sync_changed_per_clone": int(E["BENCH_CHANGED"]),
}

def num(text):
    return float(text) if text else None

def show(value, unit):
    if value is None:
        return "n/a"
    if unit == "KB":
        return "%.1f MB" % (value / 1024)
    if value < 0.001:
        return "%.0f us" % (value * 1e6)
    if value < 1:
        return "%.1f ms" % (value * 1e3)
    return "%.2f s" % value

def goal_text(kind, goal, unit):
    if kind == "ratio":
        return "<= %gx git" % goal
    if kind == "max":
        return "< " + (("%g MB" % (goal / 1024)) if unit == "KB" else
                       ("%g ms" % (goal * 1e3)) if goal < 1 else ("%g s" % goal))
    return "-"

figures, table = [], []
for line in open(rows_path):
    (fid, label, unit, draft, base, kind, goal, draft_cmd, base_cmd,
     draft_method, base_method, note) = (line.rstrip("\n").split("\t") + [""] * 12)[:12]
    draft, base, goal = num(draft), num(base), num(goal)
    ratio = draft / base if draft is not None and base else None
    if draft is None:
        met = None
    elif kind == "max":
        met = draft < goal
    elif kind == "ratio":
        met = ratio is not None and ratio <= goal
    else:
        met = None
    figures.append({
        "id": fid, "label": label, "unit": unit, "git_draft": draft, "baseline": base,
        "ratio": None if ratio is None else round(ratio, 3),
        "goal": {"kind": kind, "value": goal, "text": goal_text(kind, goal, unit)}, "met": met,
        "git_draft_command": draft_cmd, "baseline_command": base_cmd,
        "git_draft_method": draft_method, "baseline_method": base_method, "note": note,
    })
    table.append([label, show(draft, unit), show(base, unit),
                  "n/a" if ratio is None else "%.*fx" % (2 if ratio < 10 else 1 if ratio < 100 else 0, ratio),
                  goal_text(kind, goal, unit),
                  "ERROR" if draft is None else {True: "yes", False: "NO", None: "-"}[met]])

warnings = [w for w in open(warnings_path).read().splitlines() if w]
json.dump({"schema": 1, **meta, "figures": figures, "warnings": warnings},
          open(out_path, "w"), indent=2)

head = ["figure", "git-draft", "git baseline", "ratio", "goal", "met?"]
widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
def fmt(r):
    return " | ".join(c.ljust(w) if i == 0 else c.rjust(w) if i < 4 else c.ljust(w)
                      for i, (c, w) in enumerate(zip(r, widths))).rstrip()
m = meta["machine"]
print("git-draft bench: %d tickets | %d CPUs, %s, load %s | %s | %s | %s" % (
    meta["tickets"], m["nproc"], m["cpu"], m["load_avg_at_start"], meta["git"],
    meta["timing"]["tool"], meta["date"]))
print(fmt(head))
print("-+-".join("-" * w for w in widths))
for r in table:
    print(fmt(r))
print()
print("times: %s; import: %d runs, each on a fresh repository; sync figures that rebuild their"
      " state: %d runs" % (meta["timing"]["statistic"], meta["timing"]["import_runs"],
                           meta["timing"]["sync_runs"]))
for f in figures:
    if f["id"] == "import":
        print(f["note"])
    elif f["id"].startswith("sync_"):
        print("%s: %s" % (f["label"], f["note"]))
print("read baselines run on the same board as git-draft; memory is max RSS (/usr/bin/time %M)")
for f in figures:
    if f["git_draft_method"] != f["baseline_method"] and "run (" in f["git_draft_method"]:
        print("%s: measured by %s" % (f["label"], f["git_draft_method"]))
for w in warnings:
    print("warning: " + w)
print("written: " + out_path)
EOF
}

# MARK: Main

main() {
  LOAD=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo unknown)
  if [[ $LOAD != unknown ]] && gt "$LOAD" 1; then
    warn "the machine was busy (load average $LOAD at start on $(nproc) CPUs): figures are noisy"
  fi
  log "generating $N tickets"
  "$PYTHON" "$ROOT/scripts/bench-gen.py" tickets "$N" >"$TICKETS"
  "$PYTHON" "$ROOT/scripts/bench-gen.py" fast-import "$TICKETS" >"$STREAM"

  figure_import
  figure_list_cold
  figure_read list "git draft list"
  figure_read list_json "git draft list --json"
  figure_read next "git draft next"
  figure_read board "git draft board"
  figure_show
  figure_memory
  if figure_sync_first; then
    figure_sync_noop
    figure_sync_clone
    figure_sync_changes
  fi

  cd "$ROOT"
  report
  return "$FAILED"
}

main
