"""Offline TFDS data sources: seqio's TfdsDataSource, reading only a local data dir.

seqio 0.0.8's loader calls ``tfds.load(download=True, try_gcs=True)``: on a cluster
without internet a dataset that is not prepared then hangs in download retries. Ours
resolves the data dir when the data is first read (``--tfds_data_dir`` via
``seqio.set_tfds_data_dir_override``, else ``$TFDS_DATA_DIR``, else the project's demo
data in ``caches/built/tfds``), checks that ``name:version`` is prepared there, and reads
it as ``tfds.load(download=False, try_gcs=False)`` does.
"""

from __future__ import annotations

import os
from typing import Optional

from common.errors import UserError
from common import seqio_compat  # noqa: F401  (before seqio)
from tasks import paths

import seqio
import tensorflow_datasets as tfds
from seqio import utils as seqio_utils


class MissingDatasetError(UserError, FileNotFoundError):
    """A TFDS dataset that is not prepared in the local data dir."""


def get_tfds_data_dir() -> str:
    """The TFDS data dir in force: the seqio override, $TFDS_DATA_DIR, or the demo dir."""
    override = seqio_utils._TFDS_DATA_DIR_OVERRIDE  # set by seqio.set_tfds_data_dir_override
    if override:
        return override
    return os.environ.get("TFDS_DATA_DIR") or str(paths.DEMO_TFDS_DIR)


def set_tfds_data_dir(data_dir: Optional[str]) -> None:
    """Points every project data source at ``data_dir`` (None: back to the default)."""
    seqio.set_tfds_data_dir_override(data_dir)


def dataset_dir(tfds_name: str, data_dir: str) -> str:
    """``data_dir/name/config/version`` for a ``name/config:version`` TFDS name."""
    name, _, version = tfds_name.partition(":")
    return os.path.join(data_dir, *name.split("/"), version)


def _prepared_versions(tfds_name: str, data_dir: str) -> list:
    """Versions of ``name/config`` that are prepared in ``data_dir`` (any version)."""
    folder = os.path.dirname(dataset_dir(tfds_name, data_dir))
    if not os.path.isdir(folder):
        return []
    return sorted(v for v in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, v, "dataset_info.json")))


def _data_dir_origin(data_dir: str) -> str:
    """Why ``data_dir`` is the one in force, when the user did not choose it (else "")."""
    if (not seqio_utils._TFDS_DATA_DIR_OVERRIDE and not os.environ.get("TFDS_DATA_DIR")
            and os.path.abspath(data_dir) == os.path.abspath(paths.DEMO_TFDS_DIR)):
        return (", the demo data dir used because neither --tfds_data_dir nor "
                "$TFDS_DATA_DIR is set")
    return ""


def check_prepared(tfds_name: str, data_dir: str) -> None:
    """Raises MissingDatasetError (one line, with the fix) unless the dataset is prepared.

    The line names the data dir (and why it is the one in force when the user did not
    set it), the ``name:version`` and folder expected, other versions found there, and
    the offline build command. Nothing is ever downloaded.
    """
    where = dataset_dir(tfds_name, data_dir)
    if os.path.isfile(os.path.join(where, "dataset_info.json")):
        return
    name, _, version = tfds_name.partition(":")
    if not os.path.isdir(data_dir):
        found = f"; {data_dir} does not exist"
    else:
        others = [v for v in _prepared_versions(tfds_name, data_dir) if v != version]
        noun = "version" if len(others) == 1 else "versions"
        found = f"; found {noun} {', '.join(others)} there instead" if others else ""
    raise MissingDatasetError(
        f"TFDS dataset {tfds_name} is not prepared in {data_dir}{_data_dir_origin(data_dir)} "
        f"(expected {where}{found}); build it offline with `python -m caches.build_tfds "
        f"--raw_dir RAW --data_dir {data_dir} --datasets {name}` "
        "or point --tfds_data_dir / TFDS_DATA_DIR at a folder that has it.")


class _LocalTfdsLoader(seqio_utils.LazyTfdsLoader):
    """seqio's lazy loader with the data dir resolved late and no downloads."""

    @property
    def data_dir(self):
        return self._data_dir or get_tfds_data_dir()

    @property
    def builder(self):
        check_prepared(self.name, self.data_dir)
        return super().builder

    def load(self, split, shuffle_files, seed=None, shard_info=None):
        check_prepared(self.name, self.data_dir)
        split = self._map_split(split)
        input_context = None
        if shard_info:
            import tensorflow as tf
            input_context = tf.distribute.InputContext(
                num_input_pipelines=shard_info.num_shards,
                input_pipeline_id=shard_info.index)
        # What tfds.load(download=False) does, on the builder seqio keeps per (name,
        # data dir): tfds.load would read the dataset's info files again on every call.
        return self.builder.as_dataset(
            split=split, shuffle_files=shuffle_files, decoders=self._decoders,
            read_config=tfds.ReadConfig(
                shuffle_seed=seed, skip_prefetch=True, input_context=input_context))


class LocalTfdsDataSource(seqio.TfdsDataSource):
    """A ``seqio.TfdsDataSource`` that never downloads (see the module docstring)."""

    def __init__(self, tfds_name: str, tfds_data_dir: Optional[str] = None,
                 splits=None, caching_permitted: bool = True):
        super().__init__(tfds_name, tfds_data_dir=tfds_data_dir, splits=splits,
                         caching_permitted=caching_permitted)
        self._tfds_dataset = _LocalTfdsLoader(
            tfds_name, data_dir=tfds_data_dir,
            split_map=splits if isinstance(splits, dict) else None)
