# Shared by the scripts here: messages, and the git-draft binary to use.
# Source it after setting ROOT (the repository's top) and NAME (the script's name in messages).

log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
die() { log "$*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# Sets BIN: $GIT_DRAFT when given, else the release build `make install` makes (see RELEASE
# in the Makefile), built now if needed.
find_binary() {
  if [[ -n ${GIT_DRAFT:-} ]]; then
    BIN=$(cd "$(dirname "$GIT_DRAFT")" && pwd)/$(basename "$GIT_DRAFT")
    [[ -x $BIN ]] || die "GIT_DRAFT=$GIT_DRAFT is not an executable"
    return
  fi
  have swift || die "swift is missing; install Swift 6 or set GIT_DRAFT to a git-draft binary"
  local release=(-c release --static-swift-stdlib -Xswiftc -use-ld=lld --package-path "$ROOT")
  log "building: swift build ${release[*]}"
  swift build "${release[@]}" >&2
  BIN=$(swift build "${release[@]}" --show-bin-path)/git-draft
  [[ -x $BIN ]] || die "the build left no binary at $BIN"
}
