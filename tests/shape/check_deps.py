#!/usr/bin/env python3
"""The shape of the tree (docs/architecture.md): which folder may include
which. Reads every #include "..." of the C sources under ROOT and fails when

  - a library folder (common/, netns/, captures/) includes anything from
    harness/ or reports/, or common/ includes anything but common/;
  - reports/ includes anything from harness/ (reports render the result
    model's values and know nothing of scenarios or runs);
  - the include graph between folders has a cycle (two folders that include
    each other, or a longer loop).

A folder is the directory a file is in: harness/model, harness/run, netns.
Prints the graph (folder -> folders it includes, with counts) either way.
Usage: check_deps.py ROOT"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LIBRARIES = ("common", "netns", "captures")
SOURCE_TOPS = ("common", "netns", "captures", "harness", "reports")


def folder_of(path):
    return os.path.dirname(path)


def read_graph(root):
    graph = {}
    for top in SOURCE_TOPS:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                src = folder_of(rel)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for inc in INCLUDE.findall(f.read()):
                        dst = folder_of(inc)
                        if not dst or dst == src:
                            continue
                        edges = graph.setdefault(src, {})
                        edges.setdefault(dst, []).append((rel, inc))
    return graph


def top(folder):
    return folder.split("/")[0]


def rule_violations(graph):
    bad = []
    for src, edges in sorted(graph.items()):
        for dst, where in sorted(edges.items()):
            why = None
            if top(src) in LIBRARIES and top(dst) in ("harness", "reports"):
                why = "a library folder includes harness/ or reports/"
            elif top(src) == "common" and top(dst) != "common":
                why = "common/ depends on nothing"
            elif top(src) == "reports" and top(dst) == "harness":
                why = "reports/ render result values and include nothing of harness/"
            if why:
                for rel, inc in where:
                    bad.append(f'{rel}: includes "{inc}": {why}')
    return bad


def find_cycle(graph):
    """A list of folders forming a cycle, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = sys.argv[1]
    graph = read_graph(root)
    if not graph:
        print(f"{root}: no C sources with includes found", file=sys.stderr)
        return 2
    for src, edges in sorted(graph.items()):
        targets = ", ".join(f"{dst} ({len(w)})" for dst, w in sorted(edges.items()))
        print(f"{src} -> {targets}")
    bad = rule_violations(graph)
    cycle = find_cycle(graph)
    if cycle:
        hops = []
        for a, b in zip(cycle, cycle[1:]):
            rel, inc = graph[a][b][0]
            hops.append(f'{a} -> {b} ({rel} includes "{inc}")')
        bad.append("folders include each other: " + "; ".join(hops))
    for line in bad:
        print(f"check_deps: {line}", file=sys.stderr)
    if bad:
        return 1
    print(f"check_deps: {len(graph)} folders, dependencies point one way")
    return 0


if __name__ == "__main__":
    sys.exit(main())
