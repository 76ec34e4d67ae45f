"""The one place that touches seqio 0.0.8's internals, its import fix included.

Importing it is cheap (no TensorFlow): an import hook applies the fixes when ``seqio`` is
imported (``import seqio`` on Python >= 3.11; TensorFlow's start-up noise). Small
functions below wrap every private seqio attribute the project reads, each naming the
seqio version it is for. See docs/data-streams.md, "seqio compatibility fixes".
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import types
from typing import Optional

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# seqio 0.0.8 calls TF APIs that TF marks deprecated (sample_from_datasets_v2, ...):
# the Python-side warnings say nothing a user can act on.
logging.getLogger("tensorflow").setLevel(logging.ERROR)


def _patch_seqio_passthrough_hash() -> None:
    if "seqio" in sys.modules and "seqio.dataset_providers" in sys.modules:
        return  # seqio already imported fine (e.g. patched by an earlier import).
    spec = importlib.util.find_spec("seqio")
    if spec is None or not spec.submodule_search_locations:
        return  # seqio not installed; the import error will come from the caller.
    # A bare package object stands in for ``seqio`` while its vocabularies submodule
    # loads, so seqio/__init__.py (which trips over the dataclass) does not run yet.
    stub = types.ModuleType("seqio")
    stub.__path__ = list(spec.submodule_search_locations)
    stub.__spec__ = spec
    sys.modules["seqio"] = stub
    try:
        vocabularies = importlib.import_module("seqio.vocabularies")
        cls = vocabularies.PassThroughVocabulary
        if cls.__hash__ is None:
            cls.__hash__ = object.__hash__
    finally:
        del sys.modules["seqio"]
    importlib.import_module("seqio")


class _SeqioImportHook(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Applies the fix when ``seqio`` is first imported, then hands back the real module."""

    real_spec = None

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "seqio":
            return None
        uninstall_hook()
        _patch_seqio_passthrough_hash()  # imports the real, fixed seqio
        real = sys.modules["seqio"]
        self.real_spec = real.__spec__
        return importlib.machinery.ModuleSpec(
            "seqio", self, origin=real.__spec__.origin, is_package=True)

    def create_module(self, spec):
        return sys.modules["seqio"]  # already imported by find_spec

    def exec_module(self, module):
        # The import system stamped this hook's spec on the module: put seqio's back.
        module.__spec__, module.__loader__ = self.real_spec, self.real_spec.loader


_HOOK = _SeqioImportHook()


def uninstall_hook() -> None:
    """Removes the import hook (done by the hook itself on first use)."""
    while _HOOK in sys.meta_path:
        sys.meta_path.remove(_HOOK)


def install() -> None:
    """Fixes ``import seqio``: now if seqio is already loaded, else on its first import."""
    if "seqio" in sys.modules:
        _patch_seqio_passthrough_hash()
    elif _HOOK not in sys.meta_path:
        sys.meta_path.insert(0, _HOOK)


install()


# ---------------------------------------------------------------------------
# seqio 0.0.8 internals, one function each (seqio is imported on first call).
# ---------------------------------------------------------------------------

def _seqio():
    import seqio  # the hook above applies the fix first
    return seqio


def cache_step_index(task) -> int:
    """Index of the task's cache placeholder among its preprocessors (-1: none)."""
    return task._cache_step_idx if task.supports_caching else -1  # noqa: SLF001


def cache_placeholder(task):
    """The task's ``CacheDatasetPlaceholder`` step (holds the file shuffle buffer)."""
    return task.preprocessors[task._cache_step_idx]  # noqa: SLF001


def post_cache_steps(task) -> list:
    """The preprocessors that run after the cache (all of them for an uncached task)."""
    return list(task.preprocessors[cache_step_index(task) + 1:])


def has_cache(task, split: str) -> bool:
    """Whether ``task`` has a completed seqio cache (``COMPLETED``) holding ``split``.

    The one cache check: seqio finds the folder in its global cache dirs.
    """
    if not task.supports_caching:
        return False
    cache_dir = task.cache_dir  # None when no global cache dir has a completed one
    if not cache_dir:
        return False
    import tensorflow as tf
    return tf.io.gfile.exists(_seqio().utils.get_cached_info_path(cache_dir, split))


def forget_cache_lookup(task) -> None:
    """Drops seqio's memoised cache folder and stats of ``task`` (no public reset)."""
    task._cache_dir = None  # noqa: SLF001
    task._stats = {}  # noqa: SLF001


def cached_source(task, split: str, files=None):
    """seqio's source over the task's cache files of ``split``, listing them sorted
    (or only ``files``, a sorted subset: one rank's share).

    seqio lists cache files with glob, in the file system's order; sorted, a cache
    reads the same wherever it is copied.
    """
    source = task._get_cached_source(  # noqa: SLF001
        split, cache_placeholder(task).file_shuffle_buffer_size)
    if files is not None:
        chosen = list(files)
        source.list_shards = lambda split_name: list(chosen)
    else:
        listed = source.list_shards
        source.list_shards = lambda split_name: sorted(listed(split_name))
    return source


def run_steps(task, ds, steps, sequence_length):
    """Runs preprocessors ``steps`` of ``task`` on ``ds`` as seqio does."""
    return task._preprocess_dataset(ds, steps, sequence_length=sequence_length)  # noqa: SLF001


def validate_features(task, ds):
    """seqio's check that ``ds`` has the task's output features with their dtypes."""
    return task._validate_preprocessing(ds)  # noqa: SLF001


def shuffle_buffer_size(task) -> int:
    """The task's shuffle buffer; a one-line error when the task forbids shuffling."""
    buffer_size = task._shuffle_buffer_size  # noqa: SLF001
    if buffer_size is None:
        raise ValueError(f"task {task.name} forbids shuffling (shuffle_buffer_size=None); "
                         "pass shuffle=False")
    return buffer_size


def sample_fn(mixture):
    """The mixture's sample function (``tf.data.Dataset.sample_from_datasets`` default)."""
    import tensorflow as tf
    return getattr(mixture, "_sample_fn", tf.data.Dataset.sample_from_datasets)


def precache_examples(reader, shard):
    """seqio's own cache-job reading of one source shard: the source read with
    ``shuffle=False`` and the steps before the cache placeholder, seeded per shard as
    seqio seeds them. ``reader`` is a ``seqio.beam_utils.PreprocessTask``."""
    return reader._emit_examples(shard)  # noqa: SLF001


def _tfds_shard_examples(source, split: str, index: int, num_shards: int):
    """TFDS file ``index`` of a split stored one file a shard, parsed a batch at a time
    (``tfds_batch_parse``): the examples, in order, TFDS's reader gives for that shard
    unshuffled; None when the split or its features do not allow it."""
    seqio = _seqio()
    if not isinstance(source, seqio.TfdsDataSource):
        return None
    records, parse = tfds_records(source, split), tfds_batch_parse(source)
    if records is None or parse is None or len(records[0]) != num_shards:
        return None
    import tensorflow as tf
    return (tf.data.TFRecordDataset(records[0][index]).batch(256)
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE).unbatch())


def precache_dataset(reader, shard):
    """The tf.data dataset ``precache_examples`` iterates (seqio 0.0.8's
    ``PreprocessTask._emit_examples`` before its per-example loop), or None when the
    reader adds provenance fields (then only ``precache_examples`` gives them)."""
    import hashlib
    seqio = _seqio()
    if reader._add_provenance:  # noqa: SLF001
        return None
    beam_utils = seqio.beam_utils
    beam_utils._import_modules(reader._modules_to_import)  # noqa: SLF001
    if reader._tfds_data_dir:  # noqa: SLF001
        seqio.set_tfds_data_dir_override(reader._tfds_data_dir)  # noqa: SLF001
    index, name = shard
    task, split = reader._task, reader._split  # noqa: SLF001
    reader._increment_counter("input-shards")  # noqa: SLF001
    ds = _tfds_shard_examples(task.source, split, index, len(reader.shards))
    if ds is None:
        ds = task.source.get_dataset(split=split, shuffle=False, shard_info=seqio.ShardInfo(
            index=index, num_shards=len(reader.shards)))
    seed = int.from_bytes(hashlib.md5((task.name + f"shard{index}").encode()).digest(),
                          "little") + (reader._preprocessors_seed or 0)  # noqa: SLF001
    return task.preprocess_precache(ds, seed=seed)


def token_counter(output_features):
    """seqio's per-example token counter of its cache stats (``process(example)`` yields
    ``("<feature>_tokens", n)``, EOS and padding left out)."""
    from seqio import beam_utils
    counter = beam_utils._CountTokens(output_features)  # noqa: SLF001
    counter.setup()
    return counter


def split_info(example, num_shards: int) -> dict:
    """seqio's ``info.<split>.json`` content (features' dtypes and shapes) from one example."""
    from seqio import beam_utils
    return beam_utils.GetInfo(num_shards)._info_dict([example])  # noqa: SLF001


def take_map_seed() -> Optional[int]:
    """The next seed of seqio's ``map_seed_manager`` stream, consumed as
    ``seqio.map_over_dataset(num_seeds=1)`` consumes it; None when no seed is set."""
    utils = _seqio().utils
    seed = utils._NEXT_MAP_SEED  # noqa: SLF001
    if seed is None:
        return None
    utils._NEXT_MAP_SEED = seed + 2  # noqa: SLF001
    return int(seed)


def tfds_file_examples(source, split: str):
    """Examples in each file of a ``seqio.TfdsDataSource`` split, in TFDS's file order
    (TFDS records them), or None when TFDS cannot tell."""
    try:
        return tuple(int(f.take) for f in source.tfds_dataset.files(split))  # read per file
    except Exception:  # noqa: BLE001  (no file table: example-level shards)
        return None


def tfds_records(source, split: str):
    """``(files, records per file, parse)`` of a ``seqio.TfdsDataSource`` split stored as
    whole TFRecord files and read without custom decoders (``parse``: record -> the
    example TFDS gives, its features' own ``deserialize_example``); else None (sliced
    splits, other file formats: TFDS's reader)."""
    loader = source.tfds_dataset
    if getattr(loader, "_decoders", None):
        return None
    builder = loader.builder  # a dataset that is not prepared fails here, as it would later
    if getattr(builder.info.file_format, "value", None) != "tfrecord":
        return None
    instructions = loader.files(split)
    if not instructions or any(i.skip or i.take != i.examples_in_shard for i in instructions):
        return None
    import tensorflow as tf
    # Plain TF ops, as TFDS's own reader runs them: no AST rewrite of TFDS per task.
    parse = tf.autograph.experimental.do_not_convert(builder.info.features.deserialize_example)
    return (tuple(i.filename for i in instructions), tuple(int(i.take) for i in instructions),
            parse)


def tfds_batch_parse(source):
    """records -> the examples TFDS's reader gives for them, for a batch at once (one
    ``tf.io.parse_example``), when every feature of the ``seqio.TfdsDataSource`` is a
    scalar ``Text``, ``ClassLabel`` or plain ``Tensor`` (TFDS's decoding of those is a
    cast); else None (TFDS's own per-example parse)."""
    import tensorflow as tf
    import tensorflow_datasets as tfds
    from tensorflow_datasets.core import example_parser
    features = source.tfds_dataset.builder.info.features
    plain = (tfds.features.Text, tfds.features.ClassLabel, tfds.features.Tensor,
             tfds.features.Scalar)
    for feature in features.values():
        if (type(feature) not in plain or tuple(feature.shape) != ()
                or getattr(feature, "_encoder", None) is not None  # an encoded Text
                or feature._encoding != tfds.features.Encoding.NONE):  # noqa: SLF001
            return None
    info = features.get_serialized_info()
    specs = example_parser.ExampleParser(info).flat_feature_specs
    dtypes = {name: tensor_info.tf_dtype for name, tensor_info in info.items()}

    def parse(records):
        parsed = tf.io.parse_example(records, specs)
        return {name: value if value.dtype == dtypes[name] else tf.cast(value, dtypes[name])
                for name, value in parsed.items()}

    return parse


def tfds_data_dir_override():
    """seqio's process-wide TFDS data dir override (None: TFDS's own default)."""
    return _seqio().utils._TFDS_DATA_DIR_OVERRIDE  # noqa: SLF001
