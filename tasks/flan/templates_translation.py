"""Instruction templates for translation (``ft_translation_mix``): WMT16 ro-en and de-en, WMT14 fr-en.

Pure data, following the conventions of ``tasks/flan/templates.py``: the first eight
templates translate into English, the last two are reversed.
See docs/templates.md, "Translation templates"."""


def _patterns(code: str, language: str) -> list[tuple[str, str]]:
    """The ten templates of one pair: ``{<code>}`` is the sentence in ``language``."""
    src = "{" + code + "}"
    return [
        (f"{src}\n\nTranslate this sentence from {language} into English.", "{answer}"),
        (f"Translate the following {language} text to English:\n\n{src}", "{answer}"),
        (f"{language}: {src}\n\nEnglish:", "{answer}"),
        (f"How would you say \"{src}\" in English?", "{answer}"),
        (f"Here is a sentence written in {language}:\n\n{src}\n\nWhat does it mean in "
         "English?", "{answer}"),
        (f"{src}\n\nGive an English version of the text above.", "{answer}"),
        (f"Someone who reads no {language} wants to know what this sentence says. "
         f"Translate it into English for them.\n\n{src}", "{answer}"),
        (f"Render this in English, keeping the meaning intact:\n\n{src}", "{answer}"),
        ("{answer}\n\nTranslate this sentence into " + language + ".", src),
        ("Write the following English sentence in " + language + ":\n\n{answer}", src),
    ]


PATTERNS: dict[str, list[tuple[str, str]]] = {
    "wmt16_translate_roen": _patterns("ro", "Romanian"),
    "wmt16_translate_deen": _patterns("de", "German"),
    "wmt14_translate_fren": _patterns("fr", "French"),
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {name: 2 for name in PATTERNS}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset(PATTERNS)
