"""How a model learns: arguments, the tf.data -> PyTorch stream bridge, the HF trainer glue.

Layer rule (docs STYLE.md): this package may import seqio *by name*, torch and
transformers, never ``tasks``, ``mixtures`` or ``eval``. seqio 0.0.8 needs the
project's Python 3.11 fix applied before its first import; that is done by
``import tasks``, which ``run.py`` and the tests do before using anything here, so
modules in this package import seqio lazily, inside the functions that need it.

Data streams:

* ``trainer.data``: ``get_split`` — one data-parallel rank's shard of a registered task
  or mixture split as a ``tf.data.Dataset`` (cache use, sharding, epochs, shuffling).
* ``trainer.cached``: the direct read of fully cached providers that ``get_split`` uses
  (the same examples in the same order as seqio's per-task pipelines, built faster).
* ``trainer.stream``: ``Seq2SeqStream`` — such a dataset as resumable, dynamically padded
  torch batches (``input_ids``, ``attention_mask``, ``labels``) with truncation counts.
"""
