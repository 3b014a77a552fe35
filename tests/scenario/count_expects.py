#!/usr/bin/env python3
"""How many expectations a scenario file runs: its `expect:` items, and
for a sweep (`matrix:`) those of every combination — an item with
`when: { name: value }` or `when: { name: [a, b] }` only in the
combinations it names. Reads the catalogue's own style (one item per
line, flow mappings), independently of unplug's loader: the catalogue
test compares it with the JUnit report's testcases."""
import itertools
import re
import sys


def values(text):
    text = text.strip()
    if text.startswith("["):
        return [v.strip().strip('"') for v in text[1:-1].split(",")]
    return [text.strip('"')]


def main(path):
    lines = open(path).read().splitlines()
    matrix, items, section = {}, [], None
    for line in lines:
        if re.match(r"^[a-z-]+:", line):
            section = line.split(":", 1)[0]
            continue
        if section == "matrix" and re.match(r"^  [a-z][a-z0-9_]*:", line):
            name, rest = line.strip().split(":", 1)
            matrix[name] = values(rest)
            continue
        if section == "expect" and re.match(r"^  - [a-z-]+:", line):
            when = re.search(r"when: \{([^}]*)\}", line)
            cond = {}
            if when:
                for k, v in re.findall(r"([a-z][a-z0-9_]*): (\[[^\]]*\]|[^,]+)", when.group(1)):
                    cond[k] = values(v)
            items.append(cond)
    names = list(matrix)
    total = 0
    for combo in itertools.product(*(matrix[n] for n in names)):
        pick = dict(zip(names, combo))
        total += sum(all(pick[k] in v for k, v in c.items()) for c in items)
    print(total)


main(sys.argv[1])
