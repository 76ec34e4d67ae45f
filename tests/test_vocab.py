"""Vocabulary resolution: flag > spiece.model in the model folder > demo vocabulary."""

import pathlib
import shutil

import pytest

from tasks import paths, vocab


def test_explicit_path_wins(tmp_path, demo_assets):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    shutil.copy(paths.DEMO_VOCAB_PATH, model_dir / "spiece.model")
    other = tmp_path / "other.model"
    shutil.copy(paths.DEMO_VOCAB_PATH, other)
    assert vocab.resolve_vocab_path(str(other), str(model_dir)) == str(other)
    assert vocab.resolve_vocab_path(str(tmp_path / "model"), None) == str(model_dir / "spiece.model")


def test_model_folder_then_demo(tmp_path, demo_assets):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    shutil.copy(paths.DEMO_VOCAB_PATH, model_dir / "spiece.model")
    assert vocab.resolve_vocab_path(None, str(model_dir)) == str(model_dir / "spiece.model")
    assert vocab.resolve_vocab_path(None, None) == str(paths.DEMO_VOCAB_PATH)
    # A hub-style name that is not a local folder falls back to the demo vocabulary.
    assert vocab.resolve_vocab_path(None, "t5-small") == str(paths.DEMO_VOCAB_PATH)


def test_missing_paths_fail_with_one_line(tmp_path):
    with pytest.raises(vocab.VocabularyError, match="--vocab_path") as e:
        vocab.resolve_vocab_path(str(tmp_path / "nope.model"))
    assert "\n" not in str(e.value)
    empty = tmp_path / "empty_model"
    empty.mkdir()
    with pytest.raises(vocab.VocabularyError, match="no spiece.model"):
        vocab.resolve_vocab_path(None, str(empty))


def test_not_a_sentencepiece_model(tmp_path, demo_assets):
    junk = tmp_path / "junk.model"
    junk.write_bytes(b"this is not a protobuf" * 10)
    v = vocab.ConfiguredVocabulary()
    v._sentencepiece_model_file = str(junk)
    with pytest.raises(vocab.VocabularyError, match="not a SentencePiece model"):
        v.encode("hello")


def test_demo_vocab_has_t5_id_layout(demo_assets):
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=str(paths.DEMO_VOCAB_PATH))
    assert (sp.pad_id(), sp.eos_id(), sp.unk_id(), sp.bos_id()) == (0, 1, 2, -1)
    v = vocab.ConfiguredVocabulary()
    assert v.vocab_size == sp.get_piece_size() + vocab.EXTRA_IDS
    ids = v.encode("The weather was nice today.")
    assert ids and all(2 < i < sp.get_piece_size() for i in ids)
    assert v.decode(ids) == "The weather was nice today."


def test_demo_vocab_matches_hf_tokenizer(demo_assets):
    """The demo model folder's T5Tokenizer and seqio's vocabulary agree on ids."""
    from transformers import T5Tokenizer
    tok = T5Tokenizer.from_pretrained(str(paths.DEMO_MODEL_DIR))
    v = vocab.ConfiguredVocabulary()
    text = "Is the premise true? <extra_id_0>"
    assert tok(text, add_special_tokens=False).input_ids == v.encode(text)
    assert len(tok) == v.vocab_size


def test_demo_model_loads_and_fits_vocab(demo_assets):
    from transformers import T5ForConditionalGeneration
    model = T5ForConditionalGeneration.from_pretrained(str(paths.DEMO_MODEL_DIR))
    v = vocab.ConfiguredVocabulary()
    assert model.config.vocab_size >= v.vocab_size
    assert model.config.vocab_size % 128 == 0
    n = sum(p.numel() for p in model.parameters())
    assert 1_000_000 < n < 20_000_000


def test_demo_vocab_covers_every_demo_text(demo_assets):
    """Trained on every demo raw file (JSON, TSV, CSV, parallel text, SGML/XML, stories,
    gzip and tar archives): no demo text, Romanian or German included, maps to <unk>."""
    import sentencepiece as spm
    from caches import demo_assets as assets

    sp = spm.SentencePieceProcessor(model_file=str(paths.DEMO_VOCAB_PATH))
    lines = list(dict.fromkeys(assets.iter_demo_text()))
    assert any("ș" in line for line in lines) and any("ü" in line for line in lines)
    unknown = [line for line in lines if sp.unk_id() in sp.encode(line)]
    assert not unknown, unknown[:3]


def test_demo_vocab_is_rebuilt_when_the_demo_text_changes(tmp_path):
    from caches import demo_assets as assets

    raw, out = tmp_path / "raw", tmp_path / "vocab"
    raw.mkdir()
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
    (raw / "a.txt").write_text("\n".join(f"{w} {v} and {w}" for w in words for v in words))
    assets.build_demo_vocab(out_dir=out, raw_dir=raw, vocab_size=300)
    assert assets.demo_vocab_is_current(out, raw)
    with open(raw / "a.txt", "a") as f:
        f.write("\nlambda mu nu\n")
    assert not assets.demo_vocab_is_current(out, raw)
