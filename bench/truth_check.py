#!/usr/bin/env python3
"""How many of a synthetic capture's connections `unplug explain` says
ended the way the generator ended them.

usage: truth_check.py EXPLAIN.json TRUTH.csv

EXPLAIN.json is `unplug explain --json` of the capture, TRUTH.csv what
`gen_capture --truth` wrote: client_addr,client_port,server_addr,
server_port,kind,by. Prints the agreement and each kind of disagreement
(what the generator did -> what explain said) with a count."""
import collections
import csv
import json
import sys

c = json.load(open(sys.argv[1]))["captures"][0]
said = {(x["client"]["addr"], x["client"]["port"], x["server"]["addr"], x["server"]["port"]):
        (x["end"]["kind"], x["end"]["by"] or "") for x in c["connections"]}
differ = collections.Counter()
n = 0
for row in csv.reader(open(sys.argv[2])):
    if row[0].startswith("client"):
        continue
    n += 1
    got = said.get((row[0], int(row[1]), row[2], int(row[3])))
    if got != (row[4], row[5]):
        differ["%s -> %s" % (row[4], got[0] if got else "not seen")] += 1
print("explain agrees with the generator on %d of %d connections" % (n - sum(differ.values()), n))
for what, count in differ.most_common():
    print("  %s: %d" % (what, count))
