"""Instruction templates of the FLAN-style tasks: pure data, no logic.

``PATTERNS`` maps a dataset name to its ``(input pattern, target pattern)`` pairs;
template ``i`` of dataset ``d`` becomes the task ``<d>_type_<i>``, and the last
``REVERSED[d]`` of each dataset are reversed. ``tests/test_flan_templates.py`` checks
the conventions every pattern follows.

See docs/templates.md, "Conventions" and "Shared and free-text datasets"."""

PATTERNS: dict[str, list[tuple[str, str]]] = {
    # Fields: passage, question, options_ (no / yes), answer.
    "bool_q": [
        ("{passage}\n\nUsing the passage above, answer this yes/no question: "
         "{question}?\n\n{options_}", "{answer}"),
        ("Read the passage below and answer the question with yes or no.\n\n"
         "{passage}\n\nQuestion: {question}?\n\n{options_}", "{answer}"),
        ("Passage: {passage}\n\nAfter reading this passage, would you say the "
         "answer to \"{question}\" is yes or no?\n\n{options_}", "{answer}"),
        ("Here is a question: {question}?\n\nLook for its answer in this "
         "article:\n\n{passage}\n\nIs the answer yes or no?\n\n{options_}",
         "{answer}"),
        ("{passage}\n\nQuestion: {question}\nAnswer (yes or no):\n\n{options_}",
         "{answer}"),
        ("{question}?\n\nAnswer the question above with the help of the "
         "following text.\n\n{passage}\n\n{options_}", "{answer}"),
        ("Use the text to settle a yes-or-no question.\n\nText: {passage}\n\n"
         "Question: {question}\n\n{options_}", "{answer}"),
        ("{passage}\n\nBased on what you just read, {question}?\n\n{options_}",
         "{answer}"),
        ("{passage}\n\nWrite a yes-or-no question about the text above whose "
         "answer is {answer}.", "{question}"),
        ("Write a short passage that answers the question \"{question}\" with "
         "{answer}.", "{passage}"),
    ],
    # Fields: premise, hypothesis, options_ (Yes / No / It's impossible to say),
    # answer.
    "cb": [
        ("{premise}\n\nDoes it follow from this text that \"{hypothesis}\"?\n\n"
         "{options_}", "{answer}"),
        ("Decide whether the statement is supported by the passage.\n\n"
         "Passage: {premise}\nStatement: {hypothesis}\n\n{options_}", "{answer}"),
        ("Premise: {premise}\nHypothesis: {hypothesis}\n\nIs the hypothesis a "
         "consequence of the premise?\n\n{options_}", "{answer}"),
        ("{premise}\n\nGiven what is said above, is the claim \"{hypothesis}\" "
         "true?\n\n{options_}", "{answer}"),
        ("Consider this dialogue or passage:\n\n{premise}\n\nWould a careful "
         "reader agree with the following? {hypothesis}\n\n{options_}",
         "{answer}"),
        ("Here is a claim: {hypothesis}\n\nCheck it against this text:\n"
         "{premise}\n\nIs the claim correct?\n\n{options_}", "{answer}"),
        ("{premise}\n\nQuestion: does this mean that \"{hypothesis}\"? Pick one "
         "of the answers below.\n\n{options_}", "{answer}"),
        ("Text one: {premise}\n\nText two: {hypothesis}\n\nIf text one is true, "
         "must text two be true as well?\n\n{options_}", "{answer}"),
        ("Text: {premise}\n\nWrite a statement about this text. Asked whether the "
         "text supports the statement, a reader should answer: {answer}",
         "{hypothesis}"),
        ("Invent a short passage together with a claim about it, so that the "
         "answer to \"does the passage support the claim?\" is \"{answer}\".",
         "Passage: {premise}\n\nClaim: {hypothesis}"),
    ],
    # Fields: premise, question (cause / effect), connector (because / so),
    # choice1, choice2, options_ (the two alternatives), answer (the correct one).
    "copa": [
        ("{premise}\n\nWhat is the most plausible {question} of this?\n\n"
         "{options_}", "{answer}"),
        ("Here is a situation: {premise}\n\nWhich of the following is more "
         "likely to be its {question}?\n\n{options_}", "{answer}"),
        ("Pick the more plausible {question}.\n\nSituation: {premise}\n\n"
         "{options_}", "{answer}"),
        ("Which is the likelier {question} of \"{premise}\": \"{choice1}\" or "
         "\"{choice2}\"?\n\n{options_}", "{answer}"),
        ("Premise: {premise}\n\nThe premise is to be continued with "
         "\"{connector}\" and one of the sentences below. Which one makes the "
         "most sense?\n\n{options_}", "{answer}"),
        ("Read the sentence and select the {question} that makes the most "
         "sense.\n\n{premise}\n\n{options_}", "{answer}"),
        ("Think about cause and effect. {premise} What is the {question}?\n\n"
         "{options_}", "{answer}"),
        ("Option one: {choice1}\nOption two: {choice2}\n\nWhich option is the "
         "{question} of the event below?\n\n{premise}\n\n{options_}", "{answer}"),
        ("{premise}\n\nComplete the reasoning: the sentence above holds, "
         "{connector} what?\n\n{options_}", "{answer}"),
        ("Describe an everyday event whose {question} could be: {answer}",
         "{premise}"),
    ],
    # Fields: paragraph, question, response, options_ (no / yes), answer.
    "multirc": [
        ("{paragraph}\n\nQuestion: \"{question}\"\n\nResponse: \"{response}\"\n\n"
         "Is the response correct?\n\n{options_}", "{answer}"),
        ("Read the paragraph and decide whether the answer given to the question "
         "is right.\n\n{paragraph}\n\nQuestion: {question}\nProposed answer: "
         "{response}\n\n{options_}", "{answer}"),
        ("{paragraph}\n\nAccording to the text, is \"{response}\" a correct "
         "answer to \"{question}\"?\n\n{options_}", "{answer}"),
        ("Paragraph: {paragraph}\n\nSomeone was asked \"{question}\" and "
         "replied \"{response}\". Based on the paragraph, is that reply accurate?"
         "\n\n{options_}", "{answer}"),
        ("Question: {question}\nCandidate answer: {response}\n\nUse this text to "
         "check the candidate answer:\n\n{paragraph}\n\nIs the candidate answer "
         "true?\n\n{options_}", "{answer}"),
        ("{paragraph}\n\n{question}\n\nWould it be correct to answer "
         "\"{response}\"?\n\n{options_}", "{answer}"),
        ("Fact-check the answer below using the passage.\n\nPassage: "
         "{paragraph}\n\nQ: {question}\nA: {response}\n\n{options_}", "{answer}"),
        ("{paragraph}\n\nDoes the response \"{response}\" correctly answer the "
         "question \"{question}\", going by the paragraph?\n\n{options_}",
         "{answer}"),
        ("{paragraph}\n\nQuestion: {question}\n\nWrite a possible answer to the "
         "question (correct according to the paragraph: {answer}).",
         "{response}"),
        ("Paragraph: {paragraph}\n\nAnswer: {response}\n\nWhat question about "
         "the paragraph could this answer be meant for?", "{question}"),
    ],
    # Fields: passage, query (the blank shown as "_"), options_ (entities),
    # answer (the entity that fills the blank).
    "record": [
        ("{passage}\n\nFill in the blank in the sentence below with the right "
         "entity.\n\n{query}\n\n{options_}", "{answer}"),
        ("Read the article, then complete its final sentence.\n\n{passage}\n\n"
         "{query}\n\n{options_}", "{answer}"),
        ("{passage}\n\nWhich entity should replace the \"_\" in this sentence? "
         "{query}\n\n{options_}", "{answer}"),
        ("Article: {passage}\n\nSentence with a missing name: {query}\n\nWhat "
         "goes in the blank?\n\n{options_}", "{answer}"),
        ("Complete the following sentence: {query}\n\nUse this news story for "
         "context:\n\n{passage}\n\n{options_}", "{answer}"),
        ("{passage}\n\nWhat is the most likely way to finish this sentence? "
         "{query}\n\n{options_}", "{answer}"),
        ("Context: {passage}\n\nBlank-filling question: {query}\n\nPick the "
         "entity that fits.\n\n{options_}", "{answer}"),
        ("{passage}\n\nContinue the story by filling in the blank: {query}\n\n"
         "{options_}", "{answer}"),
        ("Story: {passage}\n\nFollow-up: {query}\n\nWho or what does the \"_\" "
         "stand for?\n\n{options_}", "{answer}"),
        ("{passage}\n\nWrite a follow-up sentence about this story with a blank "
         "(\"_\") where \"{answer}\" belongs.", "{query}"),
    ],
    # Fields: premise, hypothesis, options_ (yes / no), answer.
    "rte": [
        ("{premise}\n\nDoes this text support the statement \"{hypothesis}\"?\n\n"
         "{options_}", "{answer}"),
        ("Premise: {premise}\nHypothesis: {hypothesis}\n\nIs the hypothesis "
         "entailed by the premise?\n\n{options_}", "{answer}"),
        ("Read the passage and say whether the sentence after it must be true."
         "\n\n{premise}\n\nSentence: {hypothesis}\n\n{options_}", "{answer}"),
        ("{premise}\n\nIf the text above is true, is the following also true? "
         "{hypothesis}\n\n{options_}", "{answer}"),
        ("Statement: {hypothesis}\n\nCan this statement be inferred from the "
         "passage below?\n\n{premise}\n\n{options_}", "{answer}"),
        ("Given that \"{premise}\", does it follow that \"{hypothesis}\"?\n\n"
         "{options_}", "{answer}"),
        ("{premise}\n\nQuestion: does the passage entail \"{hypothesis}\"? "
         "Answer yes or no.\n\n{options_}", "{answer}"),
        ("Decide whether the second text follows logically from the first.\n\n"
         "First: {premise}\nSecond: {hypothesis}\n\n{options_}", "{answer}"),
        ("Premise: {premise}\n\nWrite a hypothesis such that the answer to "
         "\"does the premise entail the hypothesis?\" is \"{answer}\".",
         "{hypothesis}"),
        ("Here is a claim: {hypothesis}\n\nWrite a short passage that, when "
         "asked whether it implies the claim, gets the answer \"{answer}\".",
         "{premise}"),
    ],
    # Fields: word, sentence1, sentence2, options_ (different meanings /
    # the same meaning), answer.
    "wic": [
        ("Sentence A: {sentence1}\nSentence B: {sentence2}\n\nIn these two "
         "sentences, does \"{word}\" have the same meaning or different "
         "meanings?\n\n{options_}", "{answer}"),
        ("{sentence1}\n{sentence2}\n\nIs the word \"{word}\" used with the same "
         "meaning in both sentences above, or with different meanings?\n\n"
         "{options_}", "{answer}"),
        ("Compare how \"{word}\" is used in the two sentences below. Do the two "
         "uses share the same meaning, or do they have different meanings?\n\n"
         "1. {sentence1}\n2. {sentence2}\n\n{options_}", "{answer}"),
        ("Here is a word: {word}\n\nFirst usage: {sentence1}\nSecond usage: "
         "{sentence2}\n\nDoes the word carry the same meaning in both, or "
         "different meanings?\n\n{options_}", "{answer}"),
        ("Determine whether the word \"{word}\" has the same meaning in the two "
         "sentences or different meanings.\n\n{sentence1}\n\n{sentence2}\n\n"
         "{options_}", "{answer}"),
        ("{sentence1}\n\nIn the sentence above and the one below, is \"{word}\" "
         "used with the same meaning or with different meanings?\n\n"
         "{sentence2}\n\n{options_}", "{answer}"),
        ("Word sense question. Target word: {word}\nContext 1: {sentence1}\n"
         "Context 2: {sentence2}\n\nSame meaning or different meanings?\n\n"
         "{options_}", "{answer}"),
        ("Does \"{word}\" mean the same thing in both of these sentences?\n\n"
         "{sentence1}\n{sentence2}\n\nAnswer with the same meaning or different "
         "meanings.\n\n{options_}", "{answer}"),
        ("Sentence: {sentence1}\n\nWrite another sentence using \"{word}\". "
         "Compared with the sentence above, the word should have {answer}.",
         "{sentence2}"),
        ("Write two sentences that both use the word \"{word}\", such that the "
         "word has {answer} in them.", "{sentence1}\n{sentence2}"),
    ],
    # Fields: text, span1_text (noun phrase), span2_text (pronoun),
    # options_ (no / yes), answer.
    "wsc": [
        ("{text}\n\nIn the passage above, does the pronoun \"{span2_text}\" "
         "refer to {span1_text}?\n\n{options_}", "{answer}"),
        ("Read this sentence: {text}\n\nQuestion: is \"{span2_text}\" referring "
         "to \"{span1_text}\"?\n\n{options_}", "{answer}"),
        ("Does \"{span2_text}\" mean \"{span1_text}\" in the following text?\n\n"
         "{text}\n\n{options_}", "{answer}"),
        ("{text}\n\nWho or what is \"{span2_text}\" in this text? Is it "
         "{span1_text}?\n\n{options_}", "{answer}"),
        ("Coreference check.\n\nText: {text}\nPronoun: {span2_text}\nCandidate: "
         "{span1_text}\n\nDoes the pronoun point to the candidate?\n\n{options_}",
         "{answer}"),
        ("{text}\n\nIf we replace \"{span2_text}\" with \"{span1_text}\", does "
         "the text keep its meaning?\n\n{options_}", "{answer}"),
        ("Here is a sentence with an ambiguous pronoun: {text}\n\nDoes "
         "\"{span2_text}\" stand for \"{span1_text}\" here?\n\n{options_}",
         "{answer}"),
        ("Decide whether the pronoun refers to the noun phrase.\n\n{text}\n\n"
         "Pronoun: \"{span2_text}\"\nNoun phrase: \"{span1_text}\"\n\n{options_}",
         "{answer}"),
        ("{text}\n\nClaim: in this text, \"{span2_text}\" refers to "
         "\"{span1_text}\". Is the claim right?\n\n{options_}", "{answer}"),
        ("Write a short passage that mentions \"{span1_text}\" and uses the "
         "pronoun \"{span2_text}\". Asked whether the pronoun refers to "
         "\"{span1_text}\", a reader should say {answer}.", "{text}"),
    ],
    # Fields: sentence, options_ (unacceptable / acceptable), answer.
    "cola": [
        ("Is the following sentence linguistically acceptable?\n\n{sentence}\n\n"
         "{options_}", "{answer}"),
        ("{sentence}\n\nWould a linguist rate the sentence above as acceptable "
         "or unacceptable English?\n\n{options_}", "{answer}"),
        ("Sentence: \"{sentence}\"\n\nJudge whether this is a grammatical, "
         "acceptable English sentence.\n\n{options_}", "{answer}"),
        ("Check the grammar of this sentence: {sentence}\n\nIs it acceptable?\n\n"
         "{options_}", "{answer}"),
        ("{sentence}\n\nHow would you judge the grammaticality of this sentence?"
         "\n\n{options_}", "{answer}"),
        ("As a native speaker, do you find this sentence acceptable?\n"
         "\"{sentence}\"\n\n{options_}", "{answer}"),
        ("Grammatical acceptability test.\n\n{sentence}\n\n{options_}",
         "{answer}"),
        ("Here is a sentence: {sentence}\n\nDoes it follow the rules of English "
         "grammar, or is it unacceptable?\n\n{options_}", "{answer}"),
        ("Label the sentence below as acceptable or unacceptable.\n\n"
         "{sentence}\n\n{options_}", "{answer}"),
        ("Write an English sentence that a linguist would rate {answer}.",
         "{sentence}"),
    ],
    # Fields: sentence, options_ (negative / positive), answer.
    "sst2": [
        ("{sentence}\n\nWhat is the sentiment of this sentence from a movie "
         "review?\n\n{options_}", "{answer}"),
        ("Review excerpt: \"{sentence}\"\n\nIs this review positive or negative?"
         "\n\n{options_}", "{answer}"),
        ("Classify the sentiment of the following sentence.\n\n{sentence}\n\n"
         "{options_}", "{answer}"),
        ("{sentence}\n\nJudging from this sentence, did the writer like the "
         "movie? Choose the sentiment.\n\n{options_}", "{answer}"),
        ("Does the following phrase express a positive or a negative opinion?"
         "\n\n{sentence}\n\n{options_}", "{answer}"),
        ("A film critic wrote: {sentence}\n\nHow does the critic feel about the "
         "film?\n\n{options_}", "{answer}"),
        ("Sentence: {sentence}\nSentiment?\n\n{options_}", "{answer}"),
        ("{sentence}\n\nWould you call the tone of this text positive or "
         "negative?\n\n{options_}", "{answer}"),
        ("Write a {answer} sentence from a movie review.", "{sentence}"),
        ("Compose a short phrase that a critic might use in a {answer} review "
         "of a film.", "{sentence}"),
    ],
    # Fields: sentence1, sentence2, options_ (no / yes), answer.
    "glue_mrpc": [
        ("{sentence1}\n{sentence2}\n\nDo these two sentences say the same thing?"
         "\n\n{options_}", "{answer}"),
        ("Sentence 1: {sentence1}\nSentence 2: {sentence2}\n\nIs the second "
         "sentence a paraphrase of the first?\n\n{options_}", "{answer}"),
        ("Are the following sentences paraphrases of each other?\n\n{sentence1}"
         "\n\n{sentence2}\n\n{options_}", "{answer}"),
        ("First: {sentence1}\nSecond: {sentence2}\n\nDo they have equivalent "
         "meanings?\n\n{options_}", "{answer}"),
        ("\"{sentence1}\"\n\n\"{sentence2}\"\n\nWould you say these two "
         "statements convey the same information?\n\n{options_}", "{answer}"),
        ("Check whether the two sentences below mean the same.\n\nA: "
         "{sentence1}\nB: {sentence2}\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nIs that a rewording of the following sentence?\n\n"
         "{sentence2}\n\n{options_}", "{answer}"),
        ("Here are two sentences from news articles:\n{sentence1}\n{sentence2}"
         "\n\nAre they semantically equivalent?\n\n{options_}", "{answer}"),
        ("Would a reader treat \"{sentence2}\" as a restatement of "
         "\"{sentence1}\"?\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nWrite a second sentence on the same topic; the answer "
         "to \"is it a paraphrase of the sentence above?\" should be {answer}.",
         "{sentence2}"),
    ],
    # Fields: question1, question2, options_ (no / yes), answer.
    "glue_qqp": [
        ("{question1}\n{question2}\n\nAre these two questions asking the same "
         "thing?\n\n{options_}", "{answer}"),
        ("Question 1: {question1}\nQuestion 2: {question2}\n\nAre these two "
         "questions duplicates of each other?\n\n{options_}", "{answer}"),
        ("Are the following two questions paraphrases of each other?\n\n"
         "{question1}\n\n{question2}\n\n{options_}", "{answer}"),
        ("First question: {question1}\nSecond question: {question2}\n\nIs the "
         "meaning of the two questions the same?\n\n{options_}", "{answer}"),
        ("On a question-answering site, one user asked \"{question1}\" and "
         "another asked \"{question2}\". Should the two be merged as duplicates?"
         "\n\n{options_}", "{answer}"),
        ("Decide whether these questions are duplicates.\n\nA: {question1}\nB: "
         "{question2}\n\n{options_}", "{answer}"),
        ("{question1}\n\nIs that the same question as this one? {question2}\n\n"
         "{options_}", "{answer}"),
        ("Do \"{question1}\" and \"{question2}\" ask for the same information?"
         "\n\n{options_}", "{answer}"),
        ("Would one answer serve both of these questions equally well?\n\n"
         "{question1}\n{question2}\n\n{options_}", "{answer}"),
        ("{question1}\n\nWrite another question; whether it is a duplicate of "
         "the one above should be: {answer}.", "{question2}"),
    ],
    # Fields: sentence1, sentence2, options_ (0 1 2 3 4 5), answer.
    "stsb": [
        ("{sentence1}\n{sentence2}\n\nOn a scale from 0 to 5, how similar in "
         "meaning are these two sentences?\n\n{options_}", "{answer}"),
        ("Rate the semantic similarity of the sentences below from 0 (unrelated) "
         "to 5 (same meaning).\n\nSentence 1: {sentence1}\nSentence 2: "
         "{sentence2}\n\n{options_}", "{answer}"),
        ("Sentence A: {sentence1}\n\nSentence B: {sentence2}\n\nHow close are "
         "their meanings? Give a score from 0 to 5.\n\n{options_}", "{answer}"),
        ("How much do \"{sentence1}\" and \"{sentence2}\" overlap in meaning, "
         "from 0 to 5?\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nCompared with the sentence above, how similar is this "
         "one (0 = completely different, 5 = equivalent)?\n\n{sentence2}\n\n"
         "{options_}", "{answer}"),
        ("Score the pair for similarity on a 0-5 scale.\n\n{sentence1}\n"
         "{sentence2}\n\n{options_}", "{answer}"),
        ("Here are two sentences:\n{sentence1}\n{sentence2}\n\nIf 0 means no "
         "shared meaning and 5 means identical meaning, what score fits?\n\n"
         "{options_}", "{answer}"),
        ("First: {sentence1}\nSecond: {sentence2}\n\nOn a 0 to 5 scale, how "
         "nearly do they say the same thing?\n\n{options_}", "{answer}"),
        ("Give the two sentences below a similarity score between 0 and 5.\n\n"
         "{sentence1}\n\n{sentence2}\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nWrite a sentence whose similarity to the one above is "
         "{answer} on a scale from 0 to 5.", "{sentence2}"),
    ],
    # Fields: premise, hypothesis, options_ (yes / it is not possible to tell /
    # no), answer.
    "mnli": [
        ("{premise}\n\nIf that is true, is this true as well? \"{hypothesis}\""
         "\n\n{options_}", "{answer}"),
        ("Premise: \"{premise}\"\nHypothesis: \"{hypothesis}\"\n\nCan the "
         "hypothesis be concluded from the premise?\n\n{options_}", "{answer}"),
        ("Sentence 1: {premise}\nSentence 2: {hypothesis}\n\nIf the first "
         "sentence is true, is the second true too?\n\n{options_}", "{answer}"),
        ("Read the statement below and decide whether the claim after it is "
         "implied.\n\nStatement: {premise}\nClaim: {hypothesis}\n\n{options_}",
         "{answer}"),
        ("{premise}\n\nBased on this, would you say that \"{hypothesis}\" is "
         "correct?\n\n{options_}", "{answer}"),
        ("Assume this is accurate: {premise}\n\nThen is the following sentence "
         "true? {hypothesis}\n\n{options_}", "{answer}"),
        ("Here is a hypothesis: {hypothesis}\n\nAnd here is a premise: "
         "{premise}\n\nIs the hypothesis supported by the premise?\n\n{options_}",
         "{answer}"),
        ("{premise}\n\nQuestion: does that entail \"{hypothesis}\"? Choose yes, "
         "no, or that it is not possible to tell.\n\n{options_}", "{answer}"),
        ("Premise: {premise}\n\nWrite a hypothesis so that, asked whether the "
         "premise implies it, one would answer \"{answer}\".", "{hypothesis}"),
        ("Write a premise that leads to the answer \"{answer}\" when asked "
         "whether it implies this hypothesis: {hypothesis}", "{premise}"),
    ],
    # Fields: question, sentence, options_ (yes / no), answer.
    "qnli": [
        ("Does the sentence \"{sentence}\" answer the question \"{question}\"?"
         "\n\n{options_}", "{answer}"),
        ("Question: {question}\nSentence: {sentence}\n\nDoes the sentence "
         "contain the answer to the question?\n\n{options_}", "{answer}"),
        ("{question}\n\nIs the answer to the question above found in the "
         "following sentence?\n\n{sentence}\n\n{options_}", "{answer}"),
        ("Here is a sentence: {sentence}\n\nCan it be used to answer this "
         "question? {question}\n\n{options_}", "{answer}"),
        ("Decide whether the text answers the question.\n\nQ: {question}\n"
         "Text: {sentence}\n\n{options_}", "{answer}"),
        ("{sentence}\n\nDoes this sentence provide an answer to "
         "\"{question}\"?\n\n{options_}", "{answer}"),
        ("Someone asked: {question}\n\nThe reply was: {sentence}\n\nDid the "
         "reply answer the question?\n\n{options_}", "{answer}"),
        ("Read the question and the sentence, then say whether the sentence "
         "answers the question.\n\n{question}\n{sentence}\n\n{options_}",
         "{answer}"),
        ("Is the question \"{question}\" answerable from this sentence alone?"
         "\n\n{sentence}\n\n{options_}", "{answer}"),
        ("{sentence}\n\nWrite a question such that the answer to \"does the "
         "sentence above answer it?\" is {answer}.", "{question}"),
    ],
    # Fields: sentence1, sentence2, options_ (no / yes), answer.
    "wnli": [
        ("{sentence1}\n\nGiven the sentence above, is it true that "
         "\"{sentence2}\"?\n\n{options_}", "{answer}"),
        ("Sentence 1: {sentence1}\nSentence 2: {sentence2}\n\nDoes sentence 2 "
         "follow from sentence 1?\n\n{options_}", "{answer}"),
        ("Read the following and decide whether the second statement is implied "
         "by the first.\n\n{sentence1}\n{sentence2}\n\n{options_}", "{answer}"),
        ("If \"{sentence1}\" is true, is \"{sentence2}\" true as well?\n\n"
         "{options_}", "{answer}"),
        ("{sentence1}\n\nDoes this imply the following? {sentence2}\n\n"
         "{options_}", "{answer}"),
        ("Text: {sentence1}\n\nClaim: {sentence2}\n\nDoes the claim resolve the "
         "text's pronoun correctly?\n\n{options_}", "{answer}"),
        ("Here is a sentence with a pronoun: {sentence1}\n\nWith the pronoun "
         "replaced, it reads: {sentence2}\n\nIs the replacement right?\n\n"
         "{options_}", "{answer}"),
        ("Is the second sentence entailed by the first?\n\nFirst: {sentence1}\n"
         "Second: {sentence2}\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nWrite a sentence that restates part of the text above "
         "with a pronoun replaced; whether the text implies it should be: "
         "{answer}.", "{sentence2}"),
    ],
    # Fields: text (a movie review), options_ (negative / positive), answer.
    "imdb_reviews": [
        ("{text}\n\nIs this movie review positive or negative?\n\n{options_}",
         "{answer}"),
        ("Here is a review someone posted about a film:\n\n{text}\n\nDid the "
         "reviewer enjoy the film?\n\n{options_}", "{answer}"),
        ("Read this review and tell me how the writer feels about the movie.\n\n"
         "{text}\n\n{options_}", "{answer}"),
        ("Movie review: {text}\n\nWhat sentiment does the review express?\n\n"
         "{options_}", "{answer}"),
        ("{text}\n\nWould you say the person who wrote this liked or disliked the "
         "film? Pick the sentiment.\n\n{options_}", "{answer}"),
        ("Classify the following film review by its overall tone.\n\n{text}\n\n"
         "{options_}", "{answer}"),
        ("A viewer wrote the following after watching a movie.\n\n{text}\n\nIs "
         "their opinion of it favourable?\n\n{options_}", "{answer}"),
        ("{text}\n\nGoing by this review, should a friend who trusts the writer "
         "go and see the movie? Answer with the review's sentiment.\n\n{options_}",
         "{answer}"),
        ("Write a {answer} review of a movie you have just watched.", "{text}"),
        ("Compose a few sentences about a film; the overall opinion should be "
         "{answer}.", "{text}"),
    ],
    # Fields: text (a business review), options_ (negative / positive), answer.
    "yelp_polarity_reviews": [
        ("{text}\n\nIs this review of a local business positive or negative?\n\n"
         "{options_}", "{answer}"),
        ("Customer review: {text}\n\nHow did the customer feel about the "
         "place?\n\n{options_}", "{answer}"),
        ("Read the review below and decide whether the customer was satisfied."
         "\n\n{text}\n\n{options_}", "{answer}"),
        ("{text}\n\nWhat is the sentiment of this review?\n\n{options_}",
         "{answer}"),
        ("Someone left this review online:\n\n{text}\n\nWould they "
         "recommend the business? Choose the sentiment.\n\n{options_}",
         "{answer}"),
        ("Label the following restaurant or shop review as positive or "
         "negative.\n\n{text}\n\n{options_}", "{answer}"),
        ("Review: {text}\nSentiment of the review:\n\n{options_}", "{answer}"),
        ("{text}\n\nBased on this review, was the visit a good experience or a "
         "bad one?\n\n{options_}", "{answer}"),
        ("Write a {answer} review of a restaurant, shop or garage you visited.",
         "{text}"),
        ("You are a customer. Post a short review of a local business that is "
         "{answer} overall.", "{text}"),
    ],
    # Fields: text (a tweet), options_ (negative / positive), answer.
    "sentiment140": [
        ("{text}\n\nWhat is the sentiment of this tweet?\n\n{options_}",
         "{answer}"),
        ("Tweet: {text}\n\nIs the person who wrote this tweet in a positive or a "
         "negative mood?\n\n{options_}", "{answer}"),
        ("Classify the sentiment of the following social media post.\n\n{text}"
         "\n\n{options_}", "{answer}"),
        ("Here is a short post from Twitter: \"{text}\"\n\nDoes it sound happy "
         "or unhappy?\n\n{options_}", "{answer}"),
        ("{text}\n\nHow does the author of this message feel?\n\n{options_}",
         "{answer}"),
        ("Read the tweet below and pick its sentiment.\n\n{text}\n\n{options_}",
         "{answer}"),
        ("Someone posted: {text}\n\nWould you describe the post as positive or "
         "negative?\n\n{options_}", "{answer}"),
        ("Decide whether this tweet expresses a good or a bad feeling.\n\n"
         "{text}\n\n{options_}", "{answer}"),
        ("Write a tweet with a {answer} sentiment.", "{text}"),
        ("Post a short {answer} message about your day, the way people write "
         "on Twitter.", "{text}"),
    ],
    # Fields: sentence1, sentence2, options_ (no / yes), answer.
    "paws_wiki": [
        ("{sentence1}\n{sentence2}\n\nDo these two sentences mean the same "
         "thing?\n\n{options_}", "{answer}"),
        ("Sentence 1: {sentence1}\nSentence 2: {sentence2}\n\nThe two sentences "
         "use almost the same words. Is the second a paraphrase of the first?"
         "\n\n{options_}", "{answer}"),
        ("Are the following two sentences paraphrases of each other, or does the "
         "word order change their meaning?\n\n{sentence1}\n\n{sentence2}\n\n"
         "{options_}", "{answer}"),
        ("First: {sentence1}\nSecond: {sentence2}\n\nDo both sentences describe "
         "the same facts?\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nIs the sentence above a faithful rewording of this "
         "one?\n\n{sentence2}\n\n{options_}", "{answer}"),
        ("Check whether swapping the words around changed who did what.\n\nA: "
         "{sentence1}\nB: {sentence2}\n\nDo A and B have the same meaning?\n\n"
         "{options_}", "{answer}"),
        ("Here are two sentences from encyclopedia articles:\n{sentence1}\n"
         "{sentence2}\n\nAre they semantically equivalent?\n\n{options_}",
         "{answer}"),
        ("Would a careful reader say that \"{sentence1}\" and \"{sentence2}\" "
         "state the same thing?\n\n{options_}", "{answer}"),
        ("Decide if the second sentence paraphrases the first.\n\n{sentence1}\n"
         "{sentence2}\n\n{options_}", "{answer}"),
        ("{sentence1}\n\nRewrite the sentence above with nearly the same words; "
         "asked whether the two mean the same, a reader should answer {answer}.",
         "{sentence2}"),
    ],
    # Fields: title, context (a paragraph of the article), question, answer (a span
    # of the context). No options: the answer is written out.
    "squad_v1": [
        ("{context}\n\nAnswer this question using the passage above: {question}",
         "{answer}"),
        ("Read the following passage about {title} and answer the question that "
         "follows.\n\n{context}\n\nQuestion: {question}", "{answer}"),
        ("Title: {title}\n\n{context}\n\nQ: {question}\nA:", "{answer}"),
        ("Here is a question: {question}\n\nFind the answer in this text:\n\n"
         "{context}", "{answer}"),
        ("Article: {title}\nParagraph: {context}\n\nCopy the words of the "
         "paragraph that answer the question \"{question}\"", "{answer}"),
        ("{question}\n\nAnswer the question above with a short phrase taken from "
         "this passage:\n\n{context}", "{answer}"),
        ("Passage: {context}\n\nBased on the passage, answer this: {question}",
         "{answer}"),
        ("The following is an extract from an article titled \"{title}\".\n\n"
         "{context}\n\nWhat is the answer to \"{question}\"?", "{answer}"),
        ("{context}\n\nWrite a question about this passage whose answer is "
         "\"{answer}\".", "{question}"),
        ("{context}\n\nWhat would be a good title for the article this passage "
         "comes from?", "{title}"),
    ],
    # Fields as squad_v1; answer is "unanswerable" when the passage does not say.
    "squad_v2": [
        ("{context}\n\nAnswer this question using the passage above (if the "
         "passage does not say, answer \"unanswerable\"): {question}", "{answer}"),
        ("Read the passage about {title} below. Answer the question with words from "
         "the passage, or say \"unanswerable\" if it cannot be answered from it."
         "\n\n{context}\n\nQuestion: {question}", "{answer}"),
        ("Title: {title}\n\n{context}\n\nQ: {question}\nIf the text gives no "
         "answer, reply unanswerable.\nA:", "{answer}"),
        ("Here is a question: {question}\n\nLook for its answer in this text; it "
         "may not be there, in which case the answer is unanswerable.\n\n{context}",
         "{answer}"),
        ("Article: {title}\nParagraph: {context}\n\nCopy the words of the "
         "paragraph that answer the question \"{question}\", or write unanswerable "
         "if no words do.", "{answer}"),
        ("{question}\n\nCan this question be answered from the passage below? If "
         "so, give the answer; if not, say \"unanswerable\".\n\n{context}",
         "{answer}"),
        ("Passage: {context}\n\nBased only on the passage, answer this: {question}"
         "\n(Answer \"unanswerable\" when the passage does not tell.)", "{answer}"),
        ("The following is an extract from an article titled \"{title}\".\n\n"
         "{context}\n\nDoes the extract answer \"{question}\"? Give the answer, "
         "or unanswerable.", "{answer}"),
        ("Some questions about a text have no answer in it. Answer this one if you "
         "can, otherwise write unanswerable.\n\nText: {context}\n\nQuestion: "
         "{question}", "{answer}"),
        ("{context}\n\nWhat would be a good title for the article this passage "
         "comes from?", "{title}"),
    ],
}

# How many templates at the end of each dataset's list are reversed.
REVERSED: dict[str, int] = {
    "bool_q": 2,
    "cb": 2,
    "copa": 1,
    "multirc": 2,
    "record": 1,
    "rte": 2,
    "wic": 2,
    "wsc": 1,
    "cola": 1,
    "sst2": 2,
    "glue_mrpc": 1,
    "glue_qqp": 1,
    "stsb": 1,
    "mnli": 2,
    "qnli": 1,
    "wnli": 1,
    "imdb_reviews": 2,
    "yelp_polarity_reviews": 2,
    "sentiment140": 2,
    "paws_wiki": 1,
    "squad_v1": 2,
    "squad_v2": 1,
}

# Datasets whose answer is free text, not one of a few options: their templates that
# ask for the answer have no ``{options_}`` (the model writes the answer out).
FREE_TEXT: frozenset[str] = frozenset({"squad_v1", "squad_v2"})

# The groups beyond GLUE, SuperGLUE, sentiment, paraphrase and SQuAD keep their templates
# in ``templates_<group>.py`` (the same conventions); the table above takes them in.
from tasks.flan import (  # noqa: E402  (data modules, after the table above)
    templates_closedbook, templates_commonsense, templates_coref, templates_nli,
    templates_summarization, templates_textgen, templates_translation)

for _group in (templates_closedbook, templates_translation, templates_summarization,
               templates_nli, templates_commonsense, templates_coref, templates_textgen):
    PATTERNS.update(_group.PATTERNS)
    REVERSED.update(_group.REVERSED)
    FREE_TEXT = FREE_TEXT | _group.FREE_TEXT
