#!/usr/bin/env bash
# Installs what building and testing git-draft needs on Debian or Ubuntu:
# libgit2's headers and pkg-config (found through `pkg-config --exists libgit2`), and git;
# with --test, ssh-keygen (openssh-client) too.
# Safe to run again; prints nothing when everything is already there.
# Uses apt-get, through sudo when not run as root. The Swift toolchain itself is not
# a Debian package: install Swift 6 from swift.org when `swift` is missing.
set -euo pipefail

packages=()
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libgit2; then
  packages+=(libgit2-dev pkg-config)
fi
if ! command -v git >/dev/null 2>&1; then
  packages+=(git)
fi
# With --test, what the tests need besides: ssh-keygen, to sign merge commits with a throwaway key.
if [ "${1:-}" = --test ] && ! command -v ssh-keygen >/dev/null 2>&1; then
  packages+=(openssh-client)
fi

if ((${#packages[@]} > 0)); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: missing ${packages[*]}, and there is no apt-get here;" \
      "install libgit2 (1.5 or later), pkg-config and git with your package manager" >&2
    exit 1
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "install-deps: installing ${packages[*]} needs root, and sudo is missing" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "install-deps: installing ${packages[*]}" >&2
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  if ! pkg-config --exists libgit2; then
    echo "install-deps: libgit2-dev is installed but pkg-config cannot find libgit2" >&2
    exit 1
  fi
fi

if ! command -v "${SWIFT:-swift}" >/dev/null 2>&1; then
  echo "install-deps: '${SWIFT:-swift}' not found; install a Swift 6 toolchain (swift.org/install)" >&2
  exit 1
fi
