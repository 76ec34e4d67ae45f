"""Word pools shared by the demo generators (all fictional or everyday content).

Also the fixed facts about fictional towns and board games (``TOWN_FACTS``,
``GAME_FACTS``), drawn once from a seeded generator so every dataset tells one story.
"""

from __future__ import annotations


from caches.demo.shared import seeded_rng


# ---------------------------------------------------------------------------
# Word pools shared by several datasets (all fictional or everyday content).
# ---------------------------------------------------------------------------

# (name, subject pronoun, object pronoun, possessive)
PEOPLE = [
    ("Alice", "she", "her", "her"), ("Ben", "he", "him", "his"),
    ("Carla", "she", "her", "her"), ("David", "he", "him", "his"),
    ("Elena", "she", "her", "her"), ("Farid", "he", "him", "his"),
    ("Grace", "she", "her", "her"), ("Hiro", "he", "him", "his"),
    ("Irene", "she", "her", "her"), ("Jonas", "he", "him", "his"),
    ("Kemi", "she", "her", "her"), ("Liam", "he", "him", "his"),
    ("Maya", "she", "her", "her"), ("Noah", "he", "him", "his"),
    ("Olga", "she", "her", "her"), ("Pedro", "he", "him", "his"),
    ("Rosa", "she", "her", "her"), ("Sam", "he", "him", "his"),
    ("Tara", "she", "her", "her"), ("Umar", "he", "him", "his"),
    ("Vera", "she", "her", "her"), ("Yusuf", "he", "him", "his"),
]
SURNAMES = ["Moreno", "Okafor", "Lindqvist", "Patel", "Novak", "Tanaka", "Brennan",
            "Silva", "Haddad", "Kowalski", "Mensah", "Larsen"]

# (base, past, past participle, object, more general object, place phrase)
ACTIONS = [
    ("bake", "baked", "baked", "a loaf of bread", "some bread", "in the kitchen"),
    ("paint", "painted", "painted", "the garden fence", "a fence", "in the backyard"),
    ("read", "read", "read", "a book about birds", "a book", "at the library"),
    ("fix", "fixed", "fixed", "a broken bicycle", "a bicycle", "in the garage"),
    ("buy", "bought", "bought", "a bag of apples", "some fruit", "at the market"),
    ("write", "wrote", "written", "a long letter", "a letter", "at the kitchen table"),
    ("cook", "cooked", "cooked", "a pot of soup", "some soup", "in the kitchen"),
    ("wash", "washed", "washed", "the blue car", "a car", "in the driveway"),
    ("plant", "planted", "planted", "tomato seeds", "some seeds", "in the garden"),
    ("watch", "watched", "watched", "a football match", "a match", "at a cafe"),
    ("sell", "sold", "sold", "old comic books", "some books", "at the flea market"),
    ("build", "built", "built", "a wooden shelf", "a shelf", "in the workshop"),
    ("feed", "fed", "fed", "the ducks", "some birds", "at the pond"),
    ("catch", "caught", "caught", "a large trout", "a fish", "at the lake"),
    ("sew", "sewed", "sewn", "a red scarf", "a scarf", "in the living room"),
    ("photograph", "photographed", "photographed", "the old lighthouse", "a lighthouse",
     "on the coast"),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY_PARTS = ["morning", "afternoon", "evening"]
RELATIVES = ["sister", "brother", "aunt", "uncle", "grandmother", "cousin"]

# Fictional towns and their facts (BoolQ, QNLI, RTE, ReCoRD, MultiRC).
TOWNS = ["Millbrook", "Ferndale", "Oakridge", "Stonebury", "Riverton", "Hollowmere",
         "Brightwater", "Elmstead", "Greyhaven", "Pinecrest", "Westmoor", "Ashby"]
RIVERS = ["Arlow", "Bevan", "Corrin", "Dellow", "Esker", "Fallon", "Garrow", "Tamsin"]
REGIONS = ["the northern hills", "the eastern plains", "the southern lowlands",
           "the western valleys"]
PRODUCTS = ["goat cheese", "blue pottery", "apple cider", "wool blankets", "wild honey",
            "glass beads", "wooden toys", "smoked fish"]
FESTIVALS = ["kite", "lantern", "harvest", "music", "boat", "flower"]
SEASONS = ["spring", "summer", "autumn", "winter"]

# Fictional board games (BoolQ).
GAMES = ["Lantern Run", "Castle Cards", "River Traders", "Moon Garden", "Tile Quest",
         "Harbor Hop", "Sky Farmers", "Clockwork Market"]
GAME_GOALS = [
    "try to collect the most gold coins", "race to build a bridge across the board",
    "trade spices between island ports", "grow the largest garden of moon flowers",
    "lay tiles to connect their villages", "steer small boats into the harbor",
]


def _build_towns() -> list[dict]:
    """Fixed facts per fictional town, so every dataset tells the same story."""
    rng = seeded_rng("towns")
    return [dict(T=name, R=rng.choice(RIVERS), region=rng.choice(REGIONS),
                 P=rng.choice(PRODUCTS), F=rng.choice(FESTIVALS), S=rng.choice(SEASONS),
                 pop=rng.randrange(30, 200) * 100, year=rng.randrange(1650, 1900),
                 founders=rng.choice(["farmers", "millers", "weavers", "miners"]))
            for name in TOWNS]


def _build_games() -> list[dict]:
    """Fixed facts per fictional board game."""
    rng = seeded_rng("games")
    facts = []
    for name in GAMES:
        low = rng.randrange(1, 4)
        facts.append(dict(G=name, a=low, b=low + rng.randrange(2, 5),
                          goal=rng.choice(GAME_GOALS), year=rng.randrange(1950, 2021),
                          m=rng.randrange(2, 13) * 10))
    return facts


TOWN_FACTS = _build_towns()
GAME_FACTS = _build_games()


JOBS = [("nurse", "the town hospital"), ("baker", "a small bakery"),
        ("librarian", "the public library"), ("carpenter", "a furniture workshop"),
        ("teacher", "the primary school"), ("gardener", "the botanical garden"),
        ("pharmacist", "a busy pharmacy"), ("mechanic", "a car repair shop")]
TRANSPORT = ["bus", "tram", "train", "ferry"]
DRINKS = ["coffee", "cup of tea", "hot chocolate", "glass of orange juice"]
PETS = [("cat", "Pepper"), ("dog", "Biscuit"), ("parrot", "Kiwi"), ("rabbit", "Clover"),
        ("tortoise", "Pebble")]
SHARED = ["play chess", "bake a cake", "walk along the river", "work in the garden",
          "do a jigsaw puzzle"]
PLANS = ["learn to play the violin", "run a half marathon", "repaint the kitchen",
         "take a trip to the mountains", "start a vegetable garden"]


EVENTS = ["Valley Marathon", "Harbor Swim", "Spring Cycle Race", "Hill Run",
          "Lakeside Relay", "Autumn Rowing Cup"]


COMPANIES = ["Northwind Foods", "Bluepeak Software", "Copperleaf Motors",
             "Greenfield Dairy", "Maple Street Bank", "Orchard Telecom",
             "Redstone Mining", "Lakeshore Paper"]
TEAMS = ["Millbrook Foxes", "Ferndale Hawks", "Oakridge Rovers", "Riverton Bears",
         "Stonebury Owls", "Westmoor Wolves"]
PROJECTS = ["public library", "bus station", "swimming pool", "bike path", "fire station"]
