"""Helpers the per-group dataset tests share (``test_ft_<group>.py``)."""

import pathlib
import shutil

import tensorflow_datasets as tfds
from caches import build_tfds as bt
from tasks import paths


def build_demo_group(tmp_path_factory, label: str, names) -> str:
    """``names`` built from the demo raw files into a fresh data dir (its path)."""
    out = str(tmp_path_factory.mktemp(f"tfds_{label}"))
    built = bt.build_tfds(str(paths.DEMO_RAW_DIR), out, list(names), verbose=False)
    assert built == [bt.tfds_name(name) for name in names]
    return out


def split_counts(data_dir: str, name: str) -> dict:
    """{split: number of examples} of a built dataset."""
    builder = tfds.builder(bt.tfds_name(name), data_dir=data_dir)
    return {split: info.num_examples for split, info in builder.info.splits.items()}


def copy_raw_files(tmp_path, name: str) -> pathlib.Path:
    """The demo raw files of ``name`` copied under ``tmp_path/raw`` (that folder)."""
    root = tmp_path / "raw"
    for rel in bt.RAW_FILES[name]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.DEMO_RAW_DIR / rel, root / rel)
    return root
