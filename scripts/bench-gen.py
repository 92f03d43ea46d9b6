#!/usr/bin/env python3
"""Test data for scripts/bench.sh (not part of git-draft).

  bench-gen.py tickets N [SEED]       N tickets as JSON Lines for `git draft import`
  bench-gen.py fast-import FILE       a `git fast-import` stream: one root commit per line of
                                      FILE (a tree of `version` + `ops.json` holding that line),
                                      the raw-git baseline of import. The commit of line n (from
                                      0) has mark :n+2; all are written through the scratch ref
                                      refs/bench/import, so that the refs can then be created in
                                      one `git update-ref --stdin` transaction (see bench.sh)

Deterministic for a given N and SEED. References (blocked_by, parent, related) only point at
earlier lines, so they can never form a cycle.
"""
import json
import random
import sys

STATES = (["proposed"] * 4 + ["planned"] * 3 + ["executing"] * 2 + ["verifying", "needs_human"]
          + ["blocked"] * 2 + ["done"] * 4 + ["abandoned"])
LABELS = ["bug", "feature", "perf", "docs", "refactor", "infra", "ui", "api", "security", "test"]
PEOPLE = [("Ada Agent", "ada@agents.example"), ("Bob Builder", "bob@example.com"),
          ("Claude", "claude@agents.example"), ("Dee Reviewer", "dee@example.com")]
VERBS = ["Fix", "Add", "Remove", "Speed up", "Document", "Refactor", "Test", "Rename", "Split", "Cache"]
THINGS = ["the ref walker", "ticket replay", "board cache", "JSON export", "label parser",
          "merge of diverged tickets", "the pager", "comment rendering", "next-ticket ranking",
          "the import planner", "man page", "shell completion", "lock handling", "priority sort"]
SENTENCES = [
    "The current behaviour surprises agents that run several commands in a row.",
    "Reproduce it with a board of a few thousand tickets and a cold cache.",
    "It should keep working when two clones push the same ticket concurrently.",
    "See the discussion on the related ticket for the constraints we agreed on.",
    "Keep the output stable so that scripts parsing it do not break.",
    "Measure before and after; the benchmark script prints the figures.",
    "Nothing here may rewrite history that was already pushed.",
    "Edge cases: empty titles, non-ASCII labels and very long bodies.",
]
COMMENTS = ["Picked this up.", "Blocked on review, see the linked ticket.",
            "Done in my branch; needs a second look.", "Cannot reproduce on main any more.",
            "Raised the priority: users hit this daily.", "Split the remaining work off."]


def tickets(n, seed):
    rng = random.Random(seed)
    out = sys.stdout
    for i in range(n):
        line = {
            "key": f"t{i}",
            "title": f"{rng.choice(VERBS)} {rng.choice(THINGS)} (#{i})",
            "body": " ".join(rng.sample(SENTENCES, rng.randint(2, 3))),
            "state": rng.choice(STATES),
            "priority": rng.randint(0, 4),
            "labels": rng.sample(LABELS, rng.randint(1, 3)),
        }
        if i > 0 and rng.random() < 0.30:
            line["blocked_by"] = [f"t{k}" for k in sorted(set(rng.randrange(i) for _ in range(rng.randint(1, 2))))]
        if i > 0 and rng.random() < 0.10:
            line["parent"] = f"t{rng.randrange(i)}"
        if i > 0 and rng.random() < 0.10:
            line["related"] = [f"t{rng.randrange(i)}"]
        comments = []
        for _ in range(rng.randint(0, 3)):
            name, email = rng.choice(PEOPLE)
            comments.append({"author": {"name": name, "email": email}, "body": rng.choice(COMMENTS),
                             "created_at": "2026-01-02T03:04:05Z"})
        if comments:
            line["comments"] = comments
        out.write(json.dumps(line, separators=(",", ":")) + "\n")


def fast_import(path):
    out = sys.stdout.buffer

    def data(payload):
        out.write(b"data %d\n" % len(payload))
        out.write(payload)
        out.write(b"\n")

    out.write(b"blob\nmark :1\n")
    data(b"1\n")
    with open(path, "rb") as f:
        for n, line in enumerate(f):
            line = line.rstrip(b"\n")
            if not line:
                continue
            out.write(b"reset refs/bench/import\ncommit refs/bench/import\nmark :%d\n" % (n + 2))
            out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1767322800 + n))
            data(b"import: ticket %d" % n)
            out.write(b"M 100644 :1 version\n")
            out.write(b"M 100644 inline ops.json\n")
            data(line)
            out.write(b"\n")
    out.write(b"done\n")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "tickets":
        tickets(int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    elif len(sys.argv) == 3 and sys.argv[1] == "fast-import":
        fast_import(sys.argv[2])
    else:
        sys.exit(__doc__)
