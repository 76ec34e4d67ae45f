"""bench/data_bench.py runs end to end in its tiny mode and prints the ratio lines.

No timing is asserted (the machine may be shared): only that the three ways deliver
the same number of examples, that the baseline renders and tokenises as seqio does,
and that the table and both ratio lines are printed and written to ``--out``.
"""

import importlib.util
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _module(name: str):
    """``bench/<name>.py`` imported as a module (dataclasses need it in sys.modules)."""
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, os.path.join(ROOT, "bench", f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.mark.slow
def test_data_bench_tiny(demo_assets, tmp_path, capsys, user_registrations):
    """The bench's main in this process (its imports already paid)."""
    out = tmp_path / "data_bench.txt"
    bench = _module("data_bench")
    capsys.readouterr()
    code = bench.main(["--tiny", "--cache_dir", str(tmp_path / "cache"), "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text[-3000:]
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
