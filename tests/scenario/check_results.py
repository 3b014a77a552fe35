#!/usr/bin/env python3
"""Check an `unplug run --json` file against docs/results.schema.json.

Usage: check_results.py SCHEMA RESULTS.json
Exits 1 with every violation listed; 77 (skip) without python3-jsonschema.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
results = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(results))
for e in errors:
    print("%s: %s: %s" % (sys.argv[2], "/".join(str(p) for p in e.absolute_path), e.message))
sys.exit(1 if errors else 0)
