"""Start-up cost: building the `canhgac` parser must not import the heavy libraries (Scrapy, the
classifier's scikit-learn, charts, MinHash, article extraction); commands import them when they run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sklearn", "scrapy", "twisted", "matplotlib", "datasketch", "scipy", "trafilatura")

PROBE = f"""
import json, sys
from crawler.cli import build_parser
build_parser()
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""


def test_building_the_parser_imports_no_heavy_library() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
