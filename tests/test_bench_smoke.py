"""bench/data_bench.py runs end to end in its tiny mode and prints the ratio lines.

No timing is asserted (the machine may be shared): only that the three ways deliver
the same number of examples, that the baseline renders and tokenises as seqio does,
and that the table and both ratio lines are printed and written to ``--out``.
"""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
def test_data_bench_tiny(demo_assets, tmp_path):
    out = tmp_path / "data_bench.txt"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", HF_HUB_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "data_bench.py"), "--tiny",
         "--cache_dir", str(tmp_path / "cache"), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = proc.stdout
    assert "cache: built 2 task(s)" in text
    assert re.search(r"baseline check: (\d+)/\1 sampled examples render the same text as "
                     r"seqio, (\d+)/\1 tokenise to the same ids", text), text
    for way in ("uncached", "cached", "baseline"):
        assert re.search(rf"^round 1 {way} +96 examples", text, re.M), text
        assert re.search(rf"^{way} +[\d,]+ +[\d,]+ ", text, re.M), text
    assert re.search(r"^cached/uncached: [\d.]+x tokens/s \(target >= 5x", text, re.M), text
    assert re.search(r"^cached/baseline: [\d.]+x tokens/s \(target >= 1x", text, re.M), text
    written = out.read_text()
    assert "cached/uncached:" in written and "cached/baseline:" in written
