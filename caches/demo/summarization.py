"""Demo raw files for summarization (``ft_summarization_mix``): SAMSum, AESLC, XSum, CNN/DM.

Every text is written here from small pools of fictional people, towns and firms.
Each ``write_*`` documents the upstream file shape it mimics (layouts:
docs/offline-data.md); ``caches.demo.cli`` calls ``write_all``.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import random

from caches.demo.pools import (COMPANIES, DAYS, FESTIVALS, PEOPLE, PRODUCTS, PROJECTS,
                               RIVERS, SURNAMES, TEAMS, TOWNS)
from caches.demo.scale import draw_splits
from caches.demo.shared import seeded_rng

SIZES = (40, 10, 10)  # train, validation, test
CNN_SIZES = (16, 4, 4)  # a few dozen stories in all
_ONE = ("",)  # the draws below are unlabelled: one dummy label

# --------------------------------------------------------------------------- SAMSum

_ITEMS = ["umbrella", "blue jacket", "charger", "cookbook", "bike pump", "board game"]
_PLACES = ["the cinema", "the pool", "the market", "the park", "the new cafe"]


def _samsum_dialogue(rng: random.Random, _label: str) -> dict:
    """A short chat between two friends and a one-or-two-sentence summary of it."""
    (a, _, _, _), (b, pron, _, _) = rng.sample(PEOPLE, 2)
    day, item, place = rng.choice(DAYS), rng.choice(_ITEMS), rng.choice(_PLACES)
    kind = rng.randrange(4)
    if kind == 0:
        turns = [(a, f"Are you coming to {place} on {day}?"),
                 (b, f"I'd love to, but I promised to help my {rng.choice(['mum', 'dad'])}"
                     " move house."),
                 (a, "Oh no, good luck with that!"), (b, "Thanks, next time for sure")]
        summary = (f"{b} can't go to {place} with {a} on {day} because {pron} is "
                   "helping a parent move house.")
    elif kind == 1:
        turns = [(a, f"Did I leave my {item} at your place?"),
                 (b, "Yes, it's by the door :)"),
                 (a, f"Phew. Can I pick it up on {day}?"),
                 (b, "Sure, I'm home after 6")]
        summary = f"{a} left a {item} at {b}'s place and will pick it up on {day} after 6."
    elif kind == 2:
        time = f"{rng.randrange(5, 9)} pm"
        turns = [(a, f"Running late, sorry! Still at {place}"),
                 (b, "How late?"), (a, "Half an hour maybe"),
                 (b, f"Ok, then let's meet at {time} instead")]
        summary = f"{a} is running late, so {a} and {b} will meet at {time} instead."
    else:
        product = rng.choice(PRODUCTS)
        turns = [(a, "I'm at the market, do you need anything?"),
                 (b, f"Could you get some {product}?"),
                 (a, "How much?"), (b, "Just a little, I'll pay you back"),
                 (a, "No problem")]
        summary = f"{a} will buy some {product} for {b} at the market."
    return {"dialogue": "\r\n".join(f"{who}: {text}" for who, text in turns),
            "summary": summary}


def write_samsum(root: pathlib.Path) -> None:
    """``root/{train,val,test}.json`` (root = <out>/samsum, the builder's manual dir).

    ``samsum/{train,val,test}.json`` (the builder's manual dir): a JSON list of ``{"id",
    "summary", "dialogue"}``; dialogue turns are ``Name: text`` lines joined by
    ``\\r\\n``, as in the upstream corpus.
    """
    root.mkdir(parents=True, exist_ok=True)
    drawn = draw_splits("samsum", _ONE, _samsum_dialogue, SIZES)
    next_id = 13810000
    for split, examples in zip(("train", "val", "test"), drawn):
        rows = []
        for _, ex in examples:
            next_id += 7
            rows.append({"id": str(next_id), "summary": ex["summary"],
                         "dialogue": ex["dialogue"]})
        text = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n"
        (root / f"{split}.json").write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- AESLC

_MAILBOXES = ["inbox", "sent", "notes_inbox", "all_documents"]


def _aeslc_email(rng: random.Random, _label: str) -> dict:
    """An office email body (no blank line in it), its subject and three rewrites."""
    (to, _, _, _), (sender, _, _, _) = rng.sample(PEOPLE, 2)
    company, project = rng.choice(COMPANIES), rng.choice(PROJECTS)
    day, room = rng.choice(DAYS), f"room {rng.randrange(2, 40)}{rng.choice('ABC')}"
    kind = rng.randrange(4)
    if kind == 0:
        body = [f"Hi {to},", f"This is to confirm our meeting with {company} on {day} "
                f"at {rng.randrange(9, 12)}:00 am in {room}.",
                "Let me know if anything changes.", f"Thanks, {sender}"]
        subject = f"Meeting with {company} on {day}"
        anns = ["meeting confirmation", f"{company} meeting", f"confirming {day} meeting"]
    elif kind == 1:
        body = [f"{to},", f"Could you send me the cost figures for the {project} before "
                f"{day}?", "I need them for the budget review.", sender]
        subject = f"{project.title()} cost figures"
        anns = [f"{project} costs", "request for cost figures", "budget review numbers"]
    elif kind == 2:
        body = ["All,", f"The {company} contract review has moved from {day} to next "
                "week.", "A new invitation will follow.", f"Regards, {sender}"]
        subject = f"{company} review postponed"
        anns = ["review moved", f"{company} contract review rescheduled",
                "postponed review"]
    else:
        body = [f"Hi {to},", f"We are having lunch for the {project} team on {day}.",
                "Please reply by Friday if you can come.", sender]
        subject = f"Team lunch on {day}"
        anns = ["lunch invitation", f"{project} team lunch", "rsvp for lunch"]
    return {"body": "\n".join(body), "subject": subject, "anns": anns,
            "user": f"{rng.choice(SURNAMES).lower()}-{to[0].lower()}",
            "box": rng.choice(_MAILBOXES)}


def write_aeslc(root: pathlib.Path) -> None:
    """``root/AESLC-master/...`` (root = <out>/aeslc, the extracted master.zip).

    ``aeslc/AESLC-master/enron_subject_line/{train,dev,test}/<user>_<folder>_<n>.subject``
    (the repository archive, stored extracted, plus its ``README.md``): the email body,
    a blank line, ``@subject`` and the subject line; dev and test files add three
    annotator subjects (``@ann0`` .. ``@ann2``) as upstream does.
    """
    base = root / "AESLC-master"
    base.mkdir(parents=True, exist_ok=True)
    # The old module name stays in the text: the committed file is byte-identical.
    (base / "README.md").write_text(
        "# AESLC (demo stand-in)\n\nFictional emails written by "
        "caches/demo_data_summarization.py in the layout of the Annotated Enron "
        "Subject Line Corpus.\n", encoding="utf-8")
    drawn = draw_splits("aeslc", _ONE, _aeslc_email, SIZES)
    for split, examples in zip(("train", "dev", "test"), drawn):
        folder = base / "enron_subject_line" / split
        folder.mkdir(parents=True, exist_ok=True)
        for n, (_, ex) in enumerate(examples, 1):
            text = f"{ex['body']}\n\n@subject\n{ex['subject']}\n"
            if split != "train":
                text += "".join(f"\n@ann{i}\n{ann}\n" for i, ann in enumerate(ex["anns"]))
            # Names end in a number: the builder strips trailing ".subject" characters.
            name = f"{ex['user']}_{ex['box']}_{n}.subject"
            (folder / name).write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- XSum

XSUM_SPLIT_FILE = "XSum-TRAINING-DEV-TEST-SPLIT-90-5-5.json"
XSUM_FOLDER = "xsum-extracts-from-downloads"
_SHARE_LINES = ["Share this with", "Email", "Facebook", "Twitter", "WhatsApp",
                "Copy this link"]


def _xsum_story(rng: random.Random, _label: str) -> dict:
    """A short news story: a one-sentence introduction and a few body lines."""
    town, river = rng.choice(TOWNS), rng.choice(RIVERS)
    person = f"{rng.choice(PEOPLE)[0]} {rng.choice(SURNAMES)}"
    kind = rng.randrange(4)
    if kind == 0:
        project = rng.choice(PROJECTS)
        cost = rng.randrange(2, 30)
        summary = f"Plans for a new {project} in {town} have been approved by councillors."
        body = [f"The {project} will cost about {cost}m and should open in two years.",
                f"Council leader {person} said the town had waited too long for it.",
                f"Some residents had objected to the site near the River {river}."]
    elif kind == 1:
        team, other = rng.sample(TEAMS, 2)
        summary = f"The {team} reached the cup final with a late win over the {other}."
        body = [f"The only goal came {rng.randrange(2, 9)} minutes from the end.",
                f"Coach {person} praised the players for never giving up.",
                f"The final will be played in {town} next month."]
    elif kind == 2:
        company = rng.choice(COMPANIES)
        jobs = rng.randrange(3, 40) * 10
        summary = f"{company} is to open a new site in {town}, creating {jobs} jobs."
        body = ["The firm said building work would start in the spring.",
                f"Its chief executive, {person}, said the town had skilled workers.",
                "Local shops hope the new staff will bring more trade."]
    else:
        festival = rng.choice(FESTIVALS)
        crowd = rng.randrange(3, 20)
        summary = f"A record {crowd},000 people visited the {town} {festival} festival."
        body = ["Organisers said the dry weather helped bring the crowds.",
                f"Stalls lined the banks of the River {river} for three days.",
                f"Organiser {person} said the festival would return next year."]
    return {"summary": summary, "body": body, "share": rng.random() < 0.5}


def _xsum_file(story_id: str, story: dict) -> str:
    """One ``<id>.data`` file; the share lines sit between the intro and the body."""
    url = ("http://web.archive.org/web/20170101000000/http://www.bbc.co.uk/news/"
           f"uk-{story_id}")
    lines = ["[XSUM]URL[XSUM]", url, "", "[XSUM]INTRODUCTION[XSUM]", story["summary"], "",
             "[XSUM]RESTBODY[XSUM]"]
    if story["share"]:
        lines += _SHARE_LINES + ["These are external links and will open in a new window"]
    lines += story["body"]
    return "\n".join(lines) + "\n"


def write_xsum(root: pathlib.Path) -> None:
    """The split ids and the extracted story folder (root = <out>/xsum, the manual dir).

    ``xsum/XSum-TRAINING-DEV-TEST-SPLIT-90-5-5.json`` (ids per split) and
    ``xsum/xsum-extracts-from-downloads.tar.gz/xsum-extracts-from-downloads/<id>.data``
    (the manual-dir archive, stored extracted under its own name): ``[XSUM]URL[XSUM]``,
    ``[XSUM]INTRODUCTION[XSUM]`` (the one-sentence summary) and ``[XSUM]RESTBODY[XSUM]``
    blocks, with some of the share-button lines the builder drops.
    """
    folder = root / f"{XSUM_FOLDER}.tar.gz" / XSUM_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    drawn = draw_splits("xsum", _ONE, _xsum_story, SIZES)
    ids: dict[str, list[str]] = {}
    next_id = 35800000
    for split, examples in zip(("train", "validation", "test"), drawn):
        ids[split] = []
        for _, story in examples:
            next_id += 113
            ids[split].append(str(next_id))
            (folder / f"{next_id}.data").write_text(
                _xsum_file(str(next_id), story), encoding="utf-8", newline="\n")
    (root / XSUM_SPLIT_FILE).write_text(json.dumps(ids, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- CNN/DM

CNN_URL_LISTS = ("all_train.txt", "all_val.txt", "all_test.txt")
CNN_STORY_DIRS = {"cnn": "cnn/stories", "dm": "dailymail/stories"}


def _cnn_story(rng: random.Random, _label: str) -> dict:
    """Article paragraphs and three highlights (highlights carry no final period)."""
    town, other = rng.sample(TOWNS, 2)
    river, product = rng.choice(RIVERS), rng.choice(PRODUCTS)
    person = f"{rng.choice(PEOPLE)[0]} {rng.choice(SURNAMES)}"
    metres = rng.randrange(2, 9)
    if rng.randrange(2) == 0:
        paragraphs = [
            f"Floodwater from the River {river} rose {metres} metres overnight, forcing "
            f"hundreds of families in {town} to leave their homes.",
            f"Rescue teams from {other} worked through the night with small boats.",
            f"\"We have never seen the water this high,\" said {person}, who has sold "
            f"{product} in the town square for twenty years.",
            "Forecasters expect the rain to ease by the weekend"]
        highlights = [f"River {river} rose {metres} metres overnight in {town}",
                      "Hundreds of families had to leave their homes",
                      f"Rescue teams from {other} used small boats"]
        slug = f"{town.lower()}-flood"
    else:
        years = rng.randrange(20, 90)
        paragraphs = [
            f"A bridge over the River {river} that was closed {years} years ago has "
            f"reopened to walkers and cyclists in {town}.",
            "The repairs were paid for by local people, who raised money by selling "
            f"{product} at weekend markets.",
            f"{person}, who led the campaign, said the crossing would bring visitors "
            f"from {other} back to the old town."]
        highlights = [f"Bridge over the River {river} reopens after {years} years",
                      f"Repairs in {town} were paid for by local fundraising",
                      f"Campaign leader {person} hopes for more visitors"]
        slug = f"{town.lower()}-bridge"
    return {"paragraphs": paragraphs, "highlights": highlights, "slug": slug}


def _cnn_url(publisher: str, date: str, slug: str, n: int) -> str:
    if publisher == "cnn":
        return (f"http://web.archive.org/web/{date}000000id_/http://www.cnn.com/"
                f"{date[:4]}/{date[4:6]}/{date[6:]}/world/{slug}-{n}/index.html")
    return (f"http://web.archive.org/web/{date}000000id_/http://www.dailymail.co.uk/news/"
            f"article-{2900000 + n}/{slug}.html")


def _cnn_text(publisher: str, story: dict) -> str:
    """A ``.story`` file: paragraphs, then ``@highlight`` blocks, blank-line separated."""
    paragraphs = list(story["paragraphs"])
    if publisher == "cnn":
        paragraphs[0] = "(CNN) -- " + paragraphs[0]
    else:
        paragraphs.insert(0, "By . Daily Mail Reporter . PUBLISHED: . 12:00 EST, "
                             "1 April 2015 .")
    blocks = paragraphs + [f"@highlight\n\n{h}" for h in story["highlights"]]
    return "\n\n".join(blocks) + "\n"


def write_cnn_dailymail(root: pathlib.Path) -> None:
    """URL lists and both story folders (root = <out>/cnn_dailymail, where every archive
    is extracted); CNN and Daily Mail stories alternate.

    ``cnn_dailymail/all_{train,val,test}.txt`` (article URLs) and the two story archives
    extracted into the same folder, ``cnn/stories`` and ``dailymail/stories``, holding
    ``<sha1 of the URL>.story``: paragraphs, then ``@highlight`` blocks.
    """
    drawn = draw_splits("cnn_dailymail", _ONE, _cnn_story, CNN_SIZES)
    for folder in CNN_STORY_DIRS.values():
        (root / folder).mkdir(parents=True, exist_ok=True)
    dates = seeded_rng("cnn_dailymail/dates")
    n = 0
    for list_name, examples in zip(CNN_URL_LISTS, drawn):
        urls = []
        for _, story in examples:
            n += 1
            publisher = ("cnn", "dm")[n % 2]
            date = f"2015{dates.randrange(1, 13):02d}{dates.randrange(1, 29):02d}"
            url = _cnn_url(publisher, date, story["slug"], n)
            urls.append(url)
            digest = hashlib.sha1(url.encode("utf-8")).hexdigest()
            (root / CNN_STORY_DIRS[publisher] / f"{digest}.story").write_text(
                _cnn_text(publisher, story), encoding="utf-8", newline="\n")
        (root / list_name).write_text("\n".join(urls) + "\n", encoding="utf-8")


def write_all(out: pathlib.Path) -> None:
    """Writes this group's demo raw files under ``out`` (the demo raw root)."""
    write_samsum(out / "samsum")
    write_aeslc(out / "aeslc")
    write_xsum(out / "xsum")
    write_cnn_dailymail(out / "cnn_dailymail")
