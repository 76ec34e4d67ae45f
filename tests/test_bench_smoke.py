"""bench/data_bench.py and bench/scale_bench.py run end to end in their tiny modes and
print their ratio lines.

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


@pytest.mark.slow
def test_scale_bench_tiny(demo_assets, tmp_path, capsys, user_registrations):
    """bench/scale_bench.py --tiny: every stream row, the cache builds, the two-rank
    reads and the ratio lines (in this process, on the demo data)."""
    out = tmp_path / "scale_bench.txt"
    bench = _module("scale_bench")
    capsys.readouterr()
    code = bench.main(["--tiny", "--work_dir", str(tmp_path / "work"), "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text[-3000:]
    for family in ("per-dataset", "per-template"):
        for way in ("uncached", "cached"):
            assert re.search(rf"^single {family} {way} +[\d.]+ +[\d.]+ +[\d,]+ +[\d,]+ +[\d,]+$",
                             text, re.M), text
    assert re.search(r"^cache build, 1 task: [\d.]+ s$", text, re.M), text
    # Two ranks: each reads a share of the split's records and delivers half of it.
    reads = re.findall(r"rank (\d): read (\d+) of (\d+) records \([\d.]+x its share, "
                       r"delivered (\d+)\)", text)
    assert len(reads) == 4, text
    for rank, read, total, delivered in reads:
        assert int(delivered) <= int(read) <= int(total)
    assert sum(int(d) for _, _, _, d in reads[:2]) == int(reads[0][2])
    assert re.search(r"^records read per rank / share \(worst\): [\d.]+x \(target <= 1.5x",
                     text, re.M), text
    assert (tmp_path / "scale_bench.json").exists() and "cache build" in out.read_text()
