#!/usr/bin/env bash
# The git-draft demo (`make demo`): the whole `git draft run` loop in a scratch repository,
# with the bundled example agent (examples/example-agent, a few lines of sh), so it needs no
# API key and no network. It prints every command it runs and what it printed, and leaves
# the scratch repository behind for you to look at (its path is the last thing it prints).
#
# What it does: makes a repository with a committed .gitdraft (the team's verify command) and
# a local verify command, configures the example agent as a command executor, creates two
# tickets (the second blocked by the first), runs the first with `git draft run --next`, looks
# at the result (board, show, evidence, the branch's commit and its notes), merges it and moves
# the ticket to done, then runs the second, which is now ready.
#
# Environment:
#   GIT_DRAFT  a git-draft binary to use; otherwise the release build of `make build` is made
#   TMPDIR     where the scratch directory is made (default /tmp)
#
# Everything it writes is under that scratch directory: the repository, the ticket worktrees
# (XDG_DATA_HOME points there), and a HOME of its own, so your git configuration and your
# ~/.local/share are left alone. Remove it with rm -rf when you are done.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AGENT=$ROOT/examples/example-agent

NAME=demo
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"

have git || die "git is missing"
[[ -x $AGENT ]] || die "$AGENT is missing or not executable"

# The binary: $GIT_DRAFT, or the release build `make build` makes (built now if needed).
find_binary

WORK=$(mktemp -d "${TMPDIR:-/tmp}/git-draft-demo.XXXXXX")
REPO=$WORK/webapp

# `git draft` must run this binary, with nothing of the caller's configuration: a HOME of its
# own (git and libgit2 read ~/.gitconfig), no system config, worktrees under $WORK/data.
mkdir -p "$WORK/bin" "$WORK/home" "$WORK/data"
cp "$BIN" "$WORK/bin/git-draft"
export PATH="$WORK/bin:$PATH" HOME="$WORK/home" XDG_DATA_HOME="$WORK/data" GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR GIT_NAMESPACE
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
unset GIT_DRAFT_TICKET GIT_DRAFT_RUN GIT_DRAFT_HOOKS_DIR
if [[ -e "$(git --exec-path)/git-draft" ]]; then
  die "$(git --exec-path)/git-draft exists and would shadow the binary of this demo"
fi

if [[ -t 1 ]]; then
  BOLD=$'\e[1m' DIM=$'\e[2m' RESET=$'\e[0m'
else
  BOLD="" DIM="" RESET=""
fi
# say TEXT: a line of narration.
say() { printf '\n%s%s%s\n' "$DIM" "# $*" "$RESET"; }
# typed ARG...: the command line as one would type it (arguments with spaces or quotes quoted).
typed() {
  local arg out=""
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:@%+=,-]+$ ]]; then out+=" $arg"; else out+=" '${arg//\'/\'\\\'\'}'"; fi
  done
  printf '%s$%s%s\n' "$BOLD" "$out" "$RESET"
}
# show CMD...: print the command, then run it.
show() {
  typed "$@"
  "$@"
}
# show_status CMD...: the same for a command expected to fail; prints its exit status.
show_status() {
  local status=0
  typed "$@"
  "$@" || status=$?
  printf '%s(exit status %d)%s\n' "$DIM" "$status" "$RESET"
}
# branch_of ID: the ticket's branch, draft/<first 8 hex digits>-<title>.
branch_of() {
  git for-each-ref --format='%(refname:short)' "refs/heads/draft/$1*" | head -n 1
}

say "A scratch repository in $WORK"
git init -q -b main "$REPO"
cd "$REPO"
git config user.name "Ada Lovelace"
git config user.email ada@example.com
printf '# webapp\n\nA demo project for git-draft.\n' >README.md
# The team's verify command, committed: every clone runs it after every agent run.
cat >.gitdraft <<'EOF'
[draft]
	verify = test -s CHANGES.md
EOF
git add README.md .gitdraft
git commit -q -m "Start the project"
show cat .gitdraft

say "The agent: examples/example-agent as a command executor (reads the prompt on stdin)"
show git config draft.executor example
show git config draft.executor.example.command "$AGENT"
say "One more verify command, for this clone only"
show git config --add draft.verify "test -d notes"

say "Two tickets; the second waits for the first"
# new ARG...: git draft new, shown; sets NEW to the id it printed.
new() {
  typed git draft new "$@"
  NEW=$(git draft new "$@")
  printf '%s\n' "$NEW"
}
new "Start a changelog" --state planned -p high \
  -m "Keep a CHANGES.md at the top of the tree, one line per change."
first=$NEW
new "Write notes on the release process" --state planned --blocked-by "$first" \
  -m "How a release is cut, tagged and announced."
second=$NEW
show git draft board

say "Run the next ready ticket: claim, worktree, agent, commit, verify, revision, evidence"
show git draft run --next
branch=$(branch_of "$first")
[[ -n $branch ]] || die "the run left no branch draft/$first*"

say "The ticket waits for a person (needs_human); its blocked ticket is not ready yet"
show git draft board
show git draft show "$first"
show_status git draft next

say "The evidence: JSON lines in the notes (refs/notes/draft) on the branch's head commit"
show git draft evidence "$first"
show git log --notes=draft -1 --stat "$branch"

say "Review the branch, merge it, and mark the ticket done"
show git diff --stat "main...$branch"
show git merge -q --no-ff -m "Merge $branch" "$branch"
show git draft move "$first" done --reason "reviewed and merged"

say "Now the second ticket is ready; its worktree starts from main, changelog included"
show git draft run --next
branch2=$(branch_of "$second")
[[ -n $branch2 ]] || die "the run left no branch draft/$second*"
show git draft board --all
show git draft show "$second"
show git draft evidence "$second"
show git log --notes=draft -1 "$branch2"
show git show "$branch2:CHANGES.md"

say "Done. Everything is in $WORK"
cat <<EOF

  repository  $REPO
  worktrees   $(git worktree list --porcelain | sed -n 's/^worktree //p' | grep -v "^$REPO\$" | head -n 1 | xargs dirname)
  branches    $branch, $branch2

Look around:
  cd $REPO
  export PATH="$WORK/bin:\$PATH" HOME="$WORK/home" XDG_DATA_HOME="$WORK/data"
  git draft board --all
  git worktree list
  git log --graph --oneline --notes=draft main $branch2

Try a failing run (the agent exits 1 and the ticket ends blocked):
  t=\$(git draft new "Something that fails" --state planned)
  EXAMPLE_AGENT_FAIL=1 git draft run \$t

Remove it all with: rm -rf $WORK
EOF
