"""Instruction templates for commonsense multiple choice: PIQA, OpenBookQA, HellaSwag.

Pure data, following the conventions of ``tasks/flan/templates.py``. All three are
classification with per-example options (the candidate solutions, answers or endings),
so ``{answer}`` is the text of the right candidate.
"""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: goal, sol1, sol2, options_ (sol1 / sol2), answer (the right solution).
    "piqa": [
        ("Goal: {goal}\n\nWhich of the following is the better way to do it?\n\n"
         "{options_}", "{answer}"),
        ("Pick the most sensible way to reach this goal.\n\n{goal}\n\n{options_}",
         "{answer}"),
        ("{goal}\n\nThink about how objects behave in the real world. Which method "
         "would actually work?\n\n{options_}", "{answer}"),
        ("Someone wants to do the following: {goal}\n\nWhat should they do?\n\n"
         "{options_}", "{answer}"),
        ("Here are two ways to get something done.\n\nFirst way: {sol1}\nSecond way: "
         "{sol2}\n\nWhich one achieves the goal \"{goal}\"?\n\n{options_}", "{answer}"),
        ("Which solution makes more physical sense?\n\nTask: {goal}\n\n{options_}",
         "{answer}"),
        ("{goal}\n\nChoose the solution a practical person would use.\n\n{options_}",
         "{answer}"),
        ("Practical question: {goal}\nOnly one of the answers below would really work. "
         "Which?\n\n{options_}", "{answer}"),
        ("Finish or answer the following so that the advice is sound.\n\n{goal}\n\n"
         "{options_}", "{answer}"),
        ("Here is a piece of practical advice: {answer}\n\nWhat goal does it help "
         "someone achieve?", "{goal}"),
    ],
    # Fields: question, fact, options_ (the four answer choices), answer.
    "openbookqa": [
        ("Fact: {fact}\n\nUse the fact to answer the question.\n\n{question}\n\n"
         "{options_}", "{answer}"),
        ("{question}\n\nHint: {fact}.\n\n{options_}", "{answer}"),
        ("Science question: {question}\n\nWhich answer is correct?\n\n{options_}",
         "{answer}"),
        ("Keeping in mind that {fact}, answer the following.\n\n{question}\n\n"
         "{options_}", "{answer}"),
        ("Answer this elementary science question.\n\n{question}\n\n{options_}",
         "{answer}"),
        ("Background: {fact}\nQuestion: {question}\n\nPick the best answer.\n\n"
         "{options_}", "{answer}"),
        ("{question}\n\nWhat is the answer? Remember that {fact}.\n\n{options_}",
         "{answer}"),
        ("A student reads in a textbook that {fact}. Then the teacher asks:\n\n"
         "{question}\n\nWhat should the student answer?\n\n{options_}", "{answer}"),
        ("Write a multiple-choice science question that relies on the fact below and "
         "whose correct answer is \"{answer}\".\n\nFact: {fact}", "{question}"),
        ("Question: {question}\nAnswer: {answer}\n\nState the general science fact that "
         "explains this answer.", "{fact}"),
    ],
    # Fields: context, activity_label, options_ (the four endings), answer.
    "hellaswag": [
        ("What comes next in this passage?\n\n{context}\n\n{options_}", "{answer}"),
        ("{context}\n\nHow does the text most likely continue?\n\n{options_}",
         "{answer}"),
        ("Topic: {activity_label}\n\n{context}\n\nChoose the most natural "
         "continuation.\n\n{options_}", "{answer}"),
        ("Finish the description below with the ending that makes the most sense.\n\n"
         "{context}\n\n{options_}", "{answer}"),
        ("The following is about {activity_label}.\n\n{context}\n\nWhich sentence "
         "should follow?\n\n{options_}", "{answer}"),
        ("{context}\n\nWhat happens next?\n\n{options_}", "{answer}"),
        ("Read the beginning of a scene or set of instructions and pick the most "
         "plausible next part.\n\n{context}\n\n{options_}", "{answer}"),
        ("{context}\n\nWhich of these endings fits best with what came before?\n\n"
         "{options_}", "{answer}"),
        ("Context ({activity_label}): {context}\n\nSelect the continuation a person "
         "would expect.\n\n{options_}", "{answer}"),
        ("Write the opening of a short text about {activity_label} that could be "
         "followed by this: {answer}", "{context}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {"piqa": 1, "openbookqa": 2, "hellaswag": 1}

# Datasets whose answer templates have no options block (written-out answers).
FREE_TEXT: frozenset[str] = frozenset()
