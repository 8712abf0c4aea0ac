"""The cold mix (issue 20): 300 distinct library searches as new readers make them.

Each is one or two words from the synthetic data's vocabulary (nouns and verbs of care at
home, as municipalities type them, common and rare), and a third of them add one or two
facets. Drawn with a fixed seed, so every run and both databases get the same searches;
measured with the caches off, so every request searches.
"""

from __future__ import annotations

import random
import re
from urllib.parse import urlencode

from proeftuin.demo.synthetic import words
from proeftuin.models import LessonKind
from proeftuin.search.text import query_words

SEARCHES = 300
SEED = 20


def vocabulary() -> list[str]:
    """The words a reader of this library would type: those of the synthetic text."""
    texts = (*words.SUBJECTS, *words.VERBS, *words.OBJECTS, *words.ADVERBIALS,
             *words.REASONS, *words.TITLE_OPENINGS, *words.TITLE_TOPICS)
    found = {word for text in texts for word in re.findall(r"[a-zà-ÿ]{4,}", text.lower())}
    # Only words the search looks for: "omdat" or "zodat" would search for nothing.
    return sorted(word for word in found if query_words(word))


def paths(regions: list[int], programmes: list[str], seed: int = SEED) -> list[str]:
    """The library addresses of the mix, each distinct."""
    rng = random.Random(seed)  # noqa: S311 - a fixed mix of searches, not a secret
    words_ = vocabulary()
    facets = [
        lambda: ("richting", str(rng.randint(1, 10))),
        lambda: ("vraag", str(rng.randint(1, 3))),
        lambda: ("regio", str(rng.choice(regions))),
        lambda: ("programma", rng.choice(programmes)),
        lambda: ("soort", rng.choice([kind.value for kind in LessonKind])),
    ]
    chosen: dict[str, None] = {}
    while len(chosen) < SEARCHES:
        params = {"q": " ".join(rng.sample(words_, rng.choice((1, 1, 2))))}
        if rng.random() < 1 / 3:
            for make in rng.sample(facets, rng.choice((1, 2))):
                name, value = make()
                params[name] = value
        chosen[f"/bibliotheek/?{urlencode(params)}"] = None
    return list(chosen)
