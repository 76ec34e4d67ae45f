"""Builds the demo assets the offline demo and the tests run on, when missing.

``python -m caches.demo_assets`` (``make demo``, the test suite) builds the demo TFDS
data, the demo vocabulary and the tiny random demo model under ``caches/built/``, each
renamed into place when complete. See docs/offline-data.md, "Demo assets".
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import os
import pathlib
import re
import shutil
import sys
import tarfile
import tempfile
import time
from typing import Iterator

from caches.raw_formats import RawDataError
from common.errors import cli_main
from tasks import paths

# Size of the demo SentencePiece vocabulary, before the 100 sentinels.
DEMO_VOCAB_SIZE = 2000
# Embedding rows of the demo model: pieces + sentinels, rounded up to a multiple of 128
# like real T5 (32100 pieces -> 32128 rows).
DEMO_MODEL_CONFIG = dict(
    d_model=256, d_kv=64, d_ff=1024, num_layers=2, num_decoder_layers=2, num_heads=4,
    relative_attention_num_buckets=32, relative_attention_max_distance=128,
    dropout_rate=0.1, feed_forward_proj="relu", tie_word_embeddings=True,
    pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
)
SEED = 1234
# Beside spiece.model: the SHA-256 of the text it was trained on, so a vocabulary
# trained on older demo text is rebuilt (with the model) rather than reused.
CORPUS_STAMP = "corpus.sha256"


def _strings(value) -> Iterator[str]:
    """Every string leaf of a parsed JSON value (keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


_MARKUP = re.compile(r"<[^>]+>")


def _text_lines(data: bytes) -> Iterator[str]:
    """Lines with a space of a text file's bytes, markup (SGML, XML, HTML) taken out;
    nothing for binary data."""
    if b"\0" in data[:8192]:
        return
    for line in data.decode("utf-8", errors="replace").splitlines():
        line = " ".join(_MARKUP.sub(" ", line).split())
        if " " in line:
            yield line


def _file_text(path: pathlib.Path) -> Iterator[str]:
    """The natural text of one demo raw file, by its format."""
    name = path.name
    if name.endswith(".jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield from (s for s in _strings(json.loads(line)) if " " in s)
    elif name.endswith(".json"):
        yield from (s for s in _strings(json.loads(path.read_text(encoding="utf-8")))
                    if " " in s)
    elif name.endswith((".tsv", ".txt")):
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
        # MNLI's *_parse columns are bracketed trees, not text worth a vocabulary.
        skip = {i for i, h in enumerate(rows[0] if rows else []) if h.endswith("_parse")}
        for row in rows:
            yield from (c for i, c in enumerate(row) if " " in c and i not in skip)
    elif name.endswith(".tar.gz"):
        with tarfile.open(path) as tar:
            for member in tar:
                if member.isfile():
                    yield from _text_lines(tar.extractfile(member).read())
    elif name.endswith(".gz"):
        yield from _text_lines(gzip.decompress(path.read_bytes()))
    else:  # CSV, parallel text, SGML/XML, stories, labels: every line with a space
        yield from _text_lines(path.read_bytes())


def iter_demo_text(raw_dir: pathlib.Path = paths.DEMO_RAW_DIR) -> Iterator[str]:
    """Lines of natural text from every demo raw file and the FLAN templates."""
    for path in sorted(raw_dir.rglob("*")):
        if path.is_file():
            yield from _file_text(path)
    try:
        from tasks.flan import templates
    except ImportError:  # templates not written yet: the vocabulary still builds
        return
    for patterns in templates.PATTERNS.values():
        for pattern in patterns:
            for part in pattern:
                yield from (line for line in part.splitlines() if line.strip())


def _atomic_dir(final: pathlib.Path):
    """A temp folder beside ``final``; ``commit(tmp)`` renames it into place."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=f".{final.name}.incomplete.", dir=final.parent))
    tmp.chmod(0o755)

    def commit():
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)

    return tmp, commit


def demo_corpus(raw_dir: pathlib.Path = paths.DEMO_RAW_DIR) -> list:
    """The vocabulary's training lines: the demo text, deduplicated, in file order."""
    return list(dict.fromkeys(iter_demo_text(raw_dir)))


def corpus_digest(lines) -> str:
    """The sha256 the vocabulary is stamped with: its training lines, joined."""
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def demo_vocab_is_current(vocab_dir: pathlib.Path = paths.DEMO_VOCAB_DIR,
                          raw_dir: pathlib.Path = paths.DEMO_RAW_DIR) -> bool:
    """The vocabulary exists and was trained on today's demo text (its stamp matches)."""
    stamp = vocab_dir / CORPUS_STAMP
    return ((vocab_dir / "spiece.model").is_file() and stamp.is_file()
            and stamp.read_text().strip() == corpus_digest(demo_corpus(raw_dir)))


def build_demo_vocab(out_dir: pathlib.Path = paths.DEMO_VOCAB_DIR,
                     raw_dir: pathlib.Path = paths.DEMO_RAW_DIR,
                     vocab_size: int = DEMO_VOCAB_SIZE) -> pathlib.Path:
    """Trains the demo SentencePiece model (T5 id layout) and returns its path."""
    import sentencepiece as spm

    tmp, commit = _atomic_dir(out_dir)
    try:
        corpus = tmp / "corpus.txt"
        lines = demo_corpus(raw_dir)
        if not lines:
            raise RawDataError(f"no demo text under {raw_dir}; regenerate it with "
                             "`python -m caches.demo --out caches/demo_raw`")
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(tmp / "spiece"), model_type="unigram",
            vocab_size=vocab_size, hard_vocab_limit=False, character_coverage=1.0,
            pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
            # Deterministic: one thread, every sentence, in file order.
            num_threads=1, shuffle_input_sentence=False, input_sentence_size=0,
            seed_sentencepiece_size=100000, minloglevel=2,
        )
        corpus.unlink()
        (tmp / "spiece.vocab").unlink()
        (tmp / CORPUS_STAMP).write_text(corpus_digest(lines) + "\n")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    commit()
    return out_dir / "spiece.model"


def build_demo_model(out_dir: pathlib.Path = paths.DEMO_MODEL_DIR,
                     vocab_path: pathlib.Path = paths.DEMO_VOCAB_PATH) -> pathlib.Path:
    """Saves a randomly initialised tiny T5 with the demo vocabulary as an HF folder."""
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    pieces = spm.SentencePieceProcessor(model_file=str(vocab_path)).get_piece_size()
    rows = -(-(pieces + 100) // 128) * 128
    tmp, commit = _atomic_dir(out_dir)
    try:
        torch.manual_seed(SEED)
        config = T5Config(vocab_size=rows, **DEMO_MODEL_CONFIG)
        model = T5ForConditionalGeneration(config)
        model.save_pretrained(tmp)
        shutil.copyfile(vocab_path, tmp / "spiece.model")
        T5Tokenizer.from_pretrained(str(tmp)).save_pretrained(str(tmp))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    commit()
    return out_dir


def build_demo_tfds(data_dir: pathlib.Path = paths.DEMO_TFDS_DIR,
                    raw_dir: pathlib.Path = paths.DEMO_RAW_DIR) -> list:
    """Prepares every demo TFDS dataset that is not prepared yet."""
    from caches import build_tfds
    return build_tfds.build_tfds(str(raw_dir), str(data_dir))


def ensure_demo_assets(verbose: bool = True) -> None:
    """Builds whichever of the three demo assets is missing."""
    def say(msg):
        if verbose:
            print(msg, flush=True)

    start = time.time()
    build_demo_tfds()
    if not demo_vocab_is_current():
        say(f"training the demo vocabulary -> {paths.DEMO_VOCAB_PATH}")
        build_demo_vocab()
        shutil.rmtree(paths.DEMO_MODEL_DIR, ignore_errors=True)  # its embeddings fit the old one
    if not (paths.DEMO_MODEL_DIR / "config.json").is_file():
        say(f"initialising the demo T5 -> {paths.DEMO_MODEL_DIR}")
        build_demo_model()
    say(f"demo assets ready in {paths.BUILT_DIR} ({time.time() - start:.1f}s)")


def _run(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m caches.demo_assets",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true",
                        help="rebuild the demo vocabulary and model even if present")
    parser.add_argument("--show", metavar="TFDS_NAME",
                        help="then print 3 validation examples of this dataset read back "
                             "with tfds.load (e.g. super_glue/boolq:1.0.2)")
    args = parser.parse_args(argv)
    if args.rebuild:
        for d in (paths.DEMO_VOCAB_DIR, paths.DEMO_MODEL_DIR):
            shutil.rmtree(d, ignore_errors=True)
    ensure_demo_assets()
    if args.show:
        show_tfds_examples(args.show)
    return 0


def main(argv=None) -> int:
    """``python -m caches.demo_assets [--rebuild] [--show NAME]``; returns the exit code.

    A user error (e.g. missing demo raw files) is one line on stderr and exit code 2.
    """
    return cli_main(_run, argv)


def show_tfds_examples(name: str, n: int = 3, split: str = "validation") -> None:
    """Prints ``n`` examples of a demo TFDS dataset, loaded the way users load theirs."""
    import tensorflow_datasets as tfds
    ds = tfds.load(name, split=split, data_dir=str(paths.DEMO_TFDS_DIR), download=False)
    print(f"--- {name} [{split}] read back with tfds.load from {paths.DEMO_TFDS_DIR}")
    for i, ex in enumerate(ds.take(n).as_numpy_iterator()):
        print(f"  example {i + 1}")
        for key, value in sorted(ex.items()):
            text = value.decode() if isinstance(value, bytes) else str(value)
            print(f"    {key}: {text if len(text) <= 100 else text[:97] + '...'}")


if __name__ == "__main__":
    sys.exit(main())
