"""Demo raw files for the fine-tuning families beyond GLUE: sentiment, paraphrase, SQuAD.

Every sentence comes from the small pools below (fictional films, shops, people).
Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import pathlib
import random
import re
import tarfile

from caches.demo.pools import (FESTIVALS, PEOPLE, PRODUCTS, REGIONS, RIVERS, SEASONS,
                               SURNAMES, TOWNS)
from caches.demo import scale
from caches.demo.scale import draw_splits
from caches.demo.shared import seeded_rng, write_tsv

# Fixed archive metadata: 2011-06-26, the upstream IMDB archive's release.
_TAR_MTIME = 1309046400
N_TRAIN, N_TEST, N_UNSUP = 40, 10, 6

# --------------------------------------------------------------------------- IMDB

FILMS = ["The Glass Orchard", "Midnight at Harrow Pier", "Seven Paper Kites",
         "The Last Lamplighter", "Copper Sky", "A Winter in Elmstead", "Raven Street",
         "The Clockmaker's Daughter", "Harbor Lights", "Dust and Thunder"]
_IMDB_OPEN = ["I watched {F} last weekend with a few friends.",
              "{F} finally came out on video, so I gave it a try.",
              "I had heard a lot about {F} before seeing it.",
              "My sister talked me into renting {F}."]
_IMDB_POS = ["The acting is superb, especially from the lead.",
             "The story kept me guessing until the very last scene.",
             "Every shot looks like a painting.",
             "The music fits the mood perfectly.",
             "I laughed, I cried, and I want to see it again.",
             "The dialogue is sharp and often very funny.",
             "It is one of the warmest films I have seen in years."]
_IMDB_NEG = ["The acting is wooden and nobody seems to care.",
             "The plot falls apart halfway through.",
             "The jokes are stale and the pacing is painfully slow.",
             "I checked my watch more than once.",
             "The ending makes no sense at all.",
             "The dialogue sounds like it was written in an afternoon.",
             "Even the soundtrack is forgettable."]
_IMDB_CLOSE = {"pos": ["Highly recommended.", "Go and see it.", "A small gem."],
               "neg": ["Skip this one.", "What a waste of two hours.",
                       "I cannot recommend it."]}
_IMDB_UNSUP = ["I saw {F} on a rainy evening.", "{F} runs a little under two hours.",
               "The cast of {F} includes several new faces.",
               "Parts of {F} were filmed near the coast."]


def _imdb_review(rng: random.Random, label: str) -> str:
    """Four to five sentences; upstream reviews break paragraphs with ``<br /><br />``."""
    film = rng.choice(FILMS)
    pool = _IMDB_POS if label == "pos" else _IMDB_NEG
    body = rng.sample(pool, rng.randrange(2, 4))
    parts = [rng.choice(_IMDB_OPEN).format(F=film), " ".join(body)]
    if rng.random() < 0.5:
        return " ".join(parts + [rng.choice(_IMDB_CLOSE[label])])
    return " ".join(parts) + "<br /><br />" + rng.choice(_IMDB_CLOSE[label])


def _tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    """A .tar.gz of ``members`` (folders first) with fixed times, owners and modes."""
    raw = io.BytesIO()
    folders = sorted({"/".join(name.split("/")[:i])
                      for name, _ in members for i in range(1, name.count("/") + 1)})
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name in folders:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, _TAR_MTIME
            tar.addfile(info)
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, _TAR_MTIME
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def write_imdb(root: pathlib.Path) -> None:
    """``root/aclImdb_v1.tar.gz`` (root = <out>/imdb_reviews).

    ``imdb_reviews/aclImdb_v1.tar.gz``: the archive itself (the builder iterates over it
    without extracting), ``aclImdb/{train,test}/{neg,pos}/<id>_<rating>.txt`` and
    ``aclImdb/train/unsup/<id>_0.txt``; written with fixed times and owners so that it
    is byte-identical on every run.
    """
    train, test, unsup = draw_splits("imdb_reviews", ["pos", "neg"], _imdb_review,
                                      (N_TRAIN, N_TEST, N_UNSUP))
    rng = seeded_rng("imdb_reviews/ratings")
    members = []
    for split, drawn in (("train", train), ("test", test)):
        for i, (label, text) in enumerate(drawn):
            rating = rng.randrange(7, 11) if label == "pos" else rng.randrange(1, 5)
            members.append((f"aclImdb/{split}/{label}/{i}_{rating}.txt", text.encode()))
    for i, (_, text) in enumerate(unsup):
        neutral = rng.choice(_IMDB_UNSUP).format(F=rng.choice(FILMS))
        members.append((f"aclImdb/train/unsup/{i}_0.txt", f"{neutral} {text}".encode()))
    # The old module name stays in the text: the committed archive is byte-identical.
    members.append(("aclImdb/README", b"Demo stand-in for the Large Movie Review "
                    b"Dataset v1.0, written by caches/demo_data_ft.py.\n"))
    root.mkdir(parents=True, exist_ok=True)
    (root / "aclImdb_v1.tar.gz").write_bytes(_tar_gz(sorted(members)))


# --------------------------------------------------------------------------- Yelp

SHOPS = ["Rosa's Taqueria", "The Blue Kettle", "Golden Wok", "Harbor Bakery",
         "Pinecrest Pizza", "Maple Diner", "Corner Noodle Bar", "Ashby Auto Repair",
         "Sunrise Nail Studio", "Riverside Books"]
_YELP_POS = ["The staff were friendly and quick.", "Everything we ordered was fresh.",
             "Prices are fair for what you get.", "The place was spotless.",
             "They fixed the problem on the first visit.",
             "The owner remembered my name on my second visit.",
             "Best \"\"house special\"\" in town."]
_YELP_NEG = ["We waited forty minutes for a table.", "The food arrived cold.",
             "The staff ignored us the whole evening.", "The bill had two extra items on it.",
             "The bathroom was dirty.", "They were rude when I asked for a refund.",
             "The so-called \"\"fresh\"\" bread was stale."]


def _yelp_review(rng: random.Random, label: str) -> str:
    """A short review; the escaped ``\\n`` separates the verdict, as upstream does."""
    pool = _YELP_POS if label == "2" else _YELP_NEG
    verdict = ("Five stars from me." if label == "2" else "Never again.")
    opener = f"Went to {rng.choice(SHOPS)} on a {rng.choice(['Friday', 'Sunday', 'Tuesday'])}."
    return " ".join([opener] + rng.sample(pool, 2)) + "\\n" + verdict


def write_yelp(root: pathlib.Path) -> None:
    """``root/yelp_review_polarity_csv/{train,test}.csv`` (root = <out>/yelp_polarity_reviews).

    ``yelp_polarity_reviews/yelp_review_polarity_csv/{train,test}.csv``: ``"1"``
    (negative) or ``"2"`` (positive), then the quoted review (``""`` for a quote, ``\\n``
    for a line break), as the builder slices each line.
    """
    folder = root / "yelp_review_polarity_csv"
    folder.mkdir(parents=True, exist_ok=True)
    for split, drawn in zip(("train", "test"),
                            draw_splits("yelp_polarity", ["2", "1"], _yelp_review,
                                         (N_TRAIN, N_TEST))):
        lines = "".join(f'"{label}","{text}"\n' for label, text in drawn)
        (folder / f"{split}.csv").write_text(lines, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- Sentiment140

_TWEET_POS = ["just finished my first 10k run {e}", "sunny morning and fresh coffee {e}",
              "@{u} thanks for the birthday card, made my day",
              "the new {t} update is actually great", "finally home, best weekend ever",
              "my tomatoes are growing so fast {e}"]
_TWEET_NEG = ["missed the bus again {s}", "@{u} my {t} broke this morning {s}",
              "stuck in traffic for two hours", "so tired and still have homework {s}",
              "it rained on our picnic {s}", "the {t} keeps crashing, so annoying"]
_TWEET_NEUTRAL = ["reading about the new {t} today", "@{u} is the {t} out yet?"]
_THINGS = ["kindle", "phone", "laptop", "camera", "bike", "game"]
_MONTHS = [("Apr", "Mon"), ("May", "Sat"), ("Jun", "Wed")]


def _tweet(rng: random.Random, polarity: str) -> tuple[str, str]:
    """(query topic, text); the topic is what the test file's query column holds."""
    pool = {"4": _TWEET_POS, "0": _TWEET_NEG, "2": _TWEET_NEUTRAL}[polarity]
    thing = rng.choice(_THINGS)
    user = rng.choice(PEOPLE)[0].lower() + str(rng.randrange(1, 99))
    text = rng.choice(pool).format(e=rng.choice([":)", "yay", "!!"]),
                                   s=rng.choice([":(", "ugh", "..."]), u=user, t=thing)
    return thing, text


def _sentiment140_rows(rng: random.Random, drawn: list, test: bool) -> list[list[str]]:
    rows = []
    for label, (thing, text) in drawn:
        month, weekday = rng.choice(_MONTHS)
        date = (f"{weekday} {month} {rng.randrange(10, 29):02d} {rng.randrange(0, 24):02d}:"
                f"{rng.randrange(0, 60):02d}:{rng.randrange(0, 60):02d} PDT 2009")
        user = rng.choice(PEOPLE)[0] + rng.choice(SURNAMES) + str(rng.randrange(1, 99))
        rows.append([label, str(rng.randrange(1467810000, 2200000000)), date,
                     thing if test else "NO_QUERY", user, text])
    return rows


def write_sentiment140(root: pathlib.Path) -> None:
    """Train (polarity 0/4 only) and test (0/4 plus two neutral rows), upstream names.

    ``sentiment140/*.csv``: six quoted columns (polarity 0/4, or 2 for the neutral rows
    that only the test file has, id, date, query, user, text), Latin-1 compatible.
    """
    train, test = draw_splits("sentiment140", ["4", "0"], _tweet, (N_TRAIN, N_TEST))
    neutral = [("2", _tweet(seeded_rng("sentiment140/neutral"), "2")) for _ in range(2)]
    rng = seeded_rng("sentiment140/columns")
    root.mkdir(parents=True, exist_ok=True)
    for name, drawn, test_file in (
            ("training.1600000.processed.noemoticon.csv", train, False),
            ("testdata.manual.2009.06.14.csv", test[:5] + neutral + test[5:], True)):
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            _sentiment140_rows(rng, drawn, test_file))
        (root / name).write_bytes(out.getvalue().encode("iso-8859-1"))


# --------------------------------------------------------------------------- PAWS

_CLUBS = ["the Millbrook Rovers", "the Ferndale Hawks", "the Oakridge Owls",
          "the Riverton Bears", "the Stonebury Wolves", "the Ashby Foxes"]
_INSTRUMENTS = ["violin", "cello", "piano", "flute", "trumpet", "harp"]


def _paws_pair(rng: random.Random, label: int) -> tuple[str, str]:
    """Two tokenized sentences sharing their words; label 1 keeps who-did-what."""
    first = rng.choice(PEOPLE)[0]
    name = f"{first} {rng.choice(SURNAMES)}"
    a, b = rng.sample(TOWNS, 2)
    c1, c2 = rng.sample(_CLUBS, 2)
    i1, i2 = rng.sample(_INSTRUMENTS, 2)
    year = rng.randrange(1850, 1990)
    kind = rng.randrange(3)
    if kind == 0:
        s1 = f"{name} was born in {a} and moved to {b} in {year} ."
        same = f"In {year} , {name} moved to {b} , having been born in {a} ."
        swap = f"{name} was born in {b} and moved to {a} in {year} ."
    elif kind == 1:
        s1 = f"In {year} , {name} left {c1} to join {c2} ."
        same = f"{name} joined {c2} in {year} after leaving {c1} ."
        swap = f"In {year} , {name} left {c2} to join {c1} ."
    else:
        s1 = f"{name} played the {i1} before switching to the {i2} in {year} ."
        same = f"In {year} , {name} switched to the {i2} , having played the {i1} before ."
        swap = f"{name} played the {i2} before switching to the {i1} in {year} ."
    return (s1, same if label == 1 else swap)


def write_paws(root: pathlib.Path) -> None:
    """``root/final/{train,dev,test}.tsv`` (root = <out>/paws_wiki), all labelled.

    ``paws_wiki/final/{train,dev,test}.tsv``: ``id, sentence1, sentence2, label`` with
    tokenized text (punctuation split off), pairs made by swapping words (label 0) or by
    reordering clauses without changing who did what (label 1).
    """
    next_id = 1
    for split, drawn in zip(("train", "dev", "test"),
                            draw_splits("paws_wiki", [1, 0], _paws_pair,
                                         (N_TRAIN, N_TEST, N_TEST))):
        rows = []
        for label, (s1, s2) in drawn:
            rows.append([next_id, s1, s2, label])
            next_id += 1
        write_tsv(root / "final" / f"{split}.tsv",
                   ["id", "sentence1", "sentence2", "label"], rows)


# --------------------------------------------------------------------------- SQuAD

N_SQUAD_TRAIN_ARTICLES, N_SQUAD_DEV_ARTICLES = 5, 2
_TRADES = ["miller", "weaver", "blacksmith", "boat builder", "stonemason", "potter"]


def _town_facts(rng: random.Random, town: str) -> dict:
    """The random facts one article states about ``town``."""
    founded = rng.randrange(1150, 1700)
    return {
        "town": town, "region": rng.choice(REGIONS), "river": rng.choice(RIVERS),
        "founded": str(founded), "bridge": str(rng.randrange(12, 90)),
        "founder": f"{rng.choice(PEOPLE)[0]} {rng.choice(SURNAMES)}",
        "trade": rng.choice(_TRADES),
        "people": f"{rng.randrange(3, 60)},{rng.randrange(100, 1000)}",
        "product": rng.choice(PRODUCTS), "festival": rng.choice(FESTIVALS),
        "season": rng.choice(SEASONS), "mayor": f"{rng.choice(PEOPLE)[0]} {rng.choice(SURNAMES)}",
        "library": str(rng.randrange(founded + 200, 1950)),
    }


def _squad_paragraphs(f: dict) -> list[str]:
    """The article's two paragraphs (history, then the town today)."""
    return [
        f"{f['town']} is a market town in {f['region']}, on the banks of the River "
        f"{f['river']}. It was founded in {f['founded']} by {f['founder']}, a "
        f"{f['trade']} who had come up the valley looking for cheap land. The old stone "
        f"bridge across the {f['river']} was finished {f['bridge']} years later and is "
        "still in use.",
        f"Today about {f['people']} people live in {f['town']}. The town is best known "
        f"for its {f['product']}, on sale at the Saturday market in the main "
        f"square. Every {f['season']} the town holds a {f['festival']} festival that draws "
        f"visitors from across {f['region']}. The first mayor, {f['mayor']}, opened the "
        f"public library in {f['library']}.",
    ]


def _squad_questions(f: dict) -> list[tuple[int, str, list[str]]]:
    """(paragraph, question, answers: the first one, then two looser variants)."""
    region = f["region"].removeprefix("the ")
    return [
        (0, f"In which part of the country is {f['town']}?", [f["region"], region, f["region"]]),
        (0, f"Which river flows past {f['town']}?",
         [f"River {f['river']}", f["river"], f"the River {f['river']}"]),
        (0, f"In what year was {f['town']} founded?", [f["founded"]] * 3),
        (0, f"Who founded {f['town']}?", [f["founder"], f["founder"].split()[1], f["founder"]]),
        (0, f"What was the trade of the man or woman who founded {f['town']}?",
         [f["trade"], f"a {f['trade']}", f["trade"]]),
        (0, f"How many years after the town was founded was its stone bridge finished?",
         [f["bridge"], f"{f['bridge']} years", f["bridge"]]),
        (1, f"How many people live in {f['town']} today?",
         [f["people"], f"about {f['people']}", f["people"]]),
        (1, f"What is {f['town']} best known for?",
         [f"its {f['product']}", f["product"], f["product"]]),
        (1, f"In which season is the {f['festival']} festival held?", [f["season"]] * 3),
        (1, f"Who opened the public library of {f['town']}?",
         [f["mayor"], f"The first mayor, {f['mayor']}", f["mayor"]]),
    ]


def _squad_unanswerable(f: dict) -> list[tuple[int, str, str]]:
    """(paragraph, question the text does not answer, a plausible but wrong span)."""
    return [
        (0, f"Who designed the stone bridge across the {f['river']}?", f["founder"]),
        (1, f"How many people lived in {f['town']} when it was founded?", f["people"]),
        (1, f"When was the first {f['festival']} festival held in {f['town']}?",
         f["library"]),
    ]


def _span(context: str, text: str) -> dict:
    """The first whole-word occurrence (``"77"`` not inside ``"1177"``)."""
    found = re.search(rf"(?<!\w)(?<!\d,){re.escape(text)}(?!\w|,\d)", context)
    return {"answer_start": found.start(), "text": text}


def _qa_id(title: str, question: str) -> str:
    """A 24-hex-digit id, the shape of upstream ids, stable across runs."""
    return hashlib.sha1(f"{title}/{question}".encode()).hexdigest()[:24]


def _squad_article(rng: random.Random, town: str, dev: bool, v2: bool,
                   key: str = "") -> dict:
    """One article; train: 8 answerable questions (v2: 6 + 2 unanswerable), one answer
    each; dev: 5 questions (v2: 3 + 2 unanswerable), three answers each. Question ids
    hash ``key`` (default: the town) and the question."""
    facts = _town_facts(rng, town)
    paragraphs = [{"context": c, "qas": []} for c in _squad_paragraphs(facts)]
    answerable = rng.sample(_squad_questions(facts), 5 if dev else 8)
    impossible = rng.sample(_squad_unanswerable(facts), 2)
    if v2:
        answerable = answerable[:3 if dev else 6]
    for p, question, answers in answerable:
        context = paragraphs[p]["context"]
        qa = {"answers": [_span(context, a) for a in (answers if dev else answers[:1])],
              "question": question, "id": _qa_id(key or town, question)}
        if v2:
            qa["is_impossible"] = False
        paragraphs[p]["qas"].append(qa)
    for p, question, plausible in (impossible if v2 else []):
        context = paragraphs[p]["context"]
        paragraphs[p]["qas"].append({
            "plausible_answers": [_span(context, plausible)], "question": question,
            "id": _qa_id(key or town, question), "answers": [], "is_impossible": True})
    return {"title": town, "paragraphs": paragraphs}


def _full_squad_split(name: str, size: int, length, dev: bool, v2: bool) -> list:
    """At the full scale: articles about towns drawn with repeats until ``size``
    questions, ids distinct (keyed by the article's number), each paragraph padded after
    its text to a drawn length (``length``: median words, spread), so answer offsets
    hold; the last article keeps only the questions needed."""
    rng = seeded_rng(f"{name}/full")
    data, count = [], 0
    while count < size:
        town = rng.choice(TOWNS)
        article = _squad_article(random.Random(rng.random()), town, dev, v2,
                                 key=f"{town}/{len(data)}")
        for paragraph in article["paragraphs"]:
            if length:
                paragraph["context"] = scale.grow(paragraph["context"], rng, *length)
            paragraph["qas"] = paragraph["qas"][:size - count]
            count += len(paragraph["qas"])
        data.append(article)
    return data


def write_squad(root: pathlib.Path) -> None:
    """``root/{train,dev}-v{1.1,2.0}.json`` (root = <out>/squad); dev has its own towns.

    ``squad/{train,dev}-v1.1.json`` and ``squad/{train,dev}-v2.0.json``: SQuAD's JSON
    (``data`` -> articles -> ``paragraphs`` -> ``qas``), short articles about fictional
    towns whose answers are spans of their paragraph (``answer_start`` is the character
    offset); dev questions carry three annotator answers as upstream does, and v2.0 adds
    unanswerable questions (``is_impossible``, a ``plausible_answers`` span, no
    answers).
    """
    towns = seeded_rng("squad/towns").sample(
        TOWNS, N_SQUAD_TRAIN_ARTICLES + N_SQUAD_DEV_ARTICLES)
    root.mkdir(parents=True, exist_ok=True)
    for version, v2 in (("1.1", False), ("2.0", True)):
        full = scale.full_sizes(f"squad/v{version}", 2)
        for i, (split, dev, split_towns) in enumerate((
                ("train", False, towns[:N_SQUAD_TRAIN_ARTICLES]),
                ("dev", True, towns[N_SQUAD_TRAIN_ARTICLES:]))):
            # The same facts and questions in both versions: seed by split and town.
            data = ([_squad_article(seeded_rng(f"squad/{split}/{town}"), town, dev, v2)
                     for town in split_towns] if full is None else _full_squad_split(
                f"squad/v{version}/{split}", full[0][i], full[1].get("context"), dev, v2))
            doc = {"data": data, "version": f"v{version}" if v2 else version}
            (root / f"{split}-v{version}.json").write_text(
                json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def write_all(out: pathlib.Path) -> None:
    """Every dataset above under ``out`` (the demo raw root)."""
    write_imdb(out / "imdb_reviews")
    write_yelp(out / "yelp_polarity_reviews")
    write_sentiment140(out / "sentiment140")
    write_paws(out / "paws_wiki")
    write_squad(out / "squad")
