"""Instruction templates for summarization (``ft_summarization_mix``): SAMSum, AESLC, XSum, CNN/DailyMail.

Pure data, following the conventions of ``tasks/flan/templates.py``. Every dataset
here has a written-out answer (``FREE_TEXT``): ``{answer}`` is the summary (SAMSum,
XSum), the subject line (AESLC) or the newline-separated highlights (CNN/DailyMail),
so the answer templates have no ``{options_}``. The reversed templates ask for the
source text (a chat, an email body, an article) given that answer.
"""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: dialogue (chat turns "Name: text", one per line), answer (its summary).
    "samsum": [
        ("{dialogue}\n\nBriefly summarize this dialogue.", "{answer}"),
        ("Here is a chat between friends:\n\n{dialogue}\n\nWhat was it about? Write "
         "a short summary.", "{answer}"),
        ("Sum up the following conversation in a sentence or two.\n\n{dialogue}",
         "{answer}"),
        ("Conversation:\n{dialogue}\n\nSummary:", "{answer}"),
        ("{dialogue}\n\nIf you had to tell someone what happened in this chat, what "
         "would you say?", "{answer}"),
        ("Read the messages below and write a brief summary of them.\n\n{dialogue}",
         "{answer}"),
        ("Write a one-line recap of this message thread:\n\n{dialogue}", "{answer}"),
        ("{dialogue}\n\nWhat is the gist of this conversation?", "{answer}"),
        ("Write a short chat conversation that could be summed up as follows: "
         "{answer}", "{dialogue}"),
        ("Summary: {answer}\n\nInvent the text messages this summary describes.",
         "{dialogue}"),
    ],
    # Fields: body (an office email), answer (its subject line).
    "aeslc": [
        ("{body}\n\nWrite a subject line for this email.", "{answer}"),
        ("Suggest a subject line for the email below.\n\n{body}", "{answer}"),
        ("Email:\n{body}\n\nSubject:", "{answer}"),
        ("{body}\n\nWhat would be a good subject for this message?", "{answer}"),
        ("Here is an email without a subject line:\n\n{body}\n\nGive it a short, "
         "clear subject.", "{answer}"),
        ("Read this office email and write the subject line its sender probably "
         "used.\n\n{body}", "{answer}"),
        ("What is this email about, in a few words suitable for a subject line?\n\n"
         "{body}", "{answer}"),
        ("{body}\n\nSummarize the email above in a subject line.", "{answer}"),
        ("Write an email with the subject line \"{answer}\".", "{body}"),
        ("Subject: {answer}\n\nCompose the body of this email.", "{body}"),
    ],
    # Fields: document (a news story without its first sentence), answer (that
    # one-sentence introduction).
    "xsum": [
        ("{document}\n\nSummarize this article in one sentence.", "{answer}"),
        ("Write a one-sentence summary of the following news story.\n\n{document}",
         "{answer}"),
        ("Article: {document}\n\nWhat is the article about, in a single sentence?",
         "{answer}"),
        ("{document}\n\nGive the main point of this text in one sentence.",
         "{answer}"),
        ("Here is a news report:\n\n{document}\n\nWrite the opening line that would "
         "sum it up.", "{answer}"),
        ("Read the text below and condense it into one sentence.\n\n{document}",
         "{answer}"),
        ("{document}\n\nTL;DR in one sentence:", "{answer}"),
        ("What is the single most important fact reported here?\n\n{document}",
         "{answer}"),
        ("Write a news article that expands on this summary: {answer}",
         "{document}"),
        ("One-sentence summary: {answer}\n\nWrite the rest of the story.",
         "{document}"),
    ],
    # Fields: article (a news story), answer (its highlights, one per line).
    "cnn_dailymail": [
        ("{article}\n\nWrite the highlights of this article.", "{answer}"),
        ("Summarize the news story below in a few short sentences.\n\n{article}",
         "{answer}"),
        ("Article: {article}\n\nWhat are the key points?", "{answer}"),
        ("{article}\n\nList the main points of this article, one per line.",
         "{answer}"),
        ("Read this news report and write a short summary of it.\n\n{article}",
         "{answer}"),
        ("Here is a story from a news website:\n\n{article}\n\nWrite its highlights "
         "for readers in a hurry.", "{answer}"),
        ("{article}\n\nIn a few short sentences, what happened?", "{answer}"),
        ("Give a brief summary of the following article.\n\n{article}", "{answer}"),
        ("Write a news article based on these highlights:\n\n{answer}", "{article}"),
        ("Highlights:\n{answer}\n\nWrite the full story these highlights come from.",
         "{article}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {"samsum": 2, "aeslc": 2, "xsum": 2, "cnn_dailymail": 2}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset({"samsum", "aeslc", "xsum", "cnn_dailymail"})
