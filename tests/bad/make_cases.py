#!/usr/bin/env python3
"""Write tests/bad/cases/NAME.yaml from cases.py (run after editing it)."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from cases import CASES  # noqa: E402

out = os.path.join(here, "cases")
os.makedirs(out, exist_ok=True)
for name, text in CASES.items():
    with open(os.path.join(out, name + ".yaml"), "wb") as f:
        f.write(text.encode("latin-1") if any(ord(c) > 0x7f and ord(c) < 0x100 for c in text) and "\ufeff" not in text
                else text.encode("utf-8", "surrogateescape"))
print(len(CASES), "cases")
