"""The pages the benchmark measures, and the targets each must meet (issue 7)."""

from __future__ import annotations

from dataclasses import dataclass

#: the data set of the benchmark: pilots, case discussions, published lessons
PILOTS, CASES, LESSONS = 3_000, 300_000, 100_000
#: the facilitator dashboard is measured for a programme of this many pilots
PROGRAMME_PILOTS = 500
#: a word most lessons hold, and the facets the second search adds
COMMON_WORD = "mantelzorger"
FACET_DIRECTION = 3

MAX_QUERIES = 12
MAX_WORKER_MB = 150
#: the library index's search work, at most this many times a search engine's (tantivy)
MAX_OVER_SEARCH_ENGINE = 5
#: the lesson page and the pilot profile serve at least this share of the floor's requests
MIN_SHARE_OF_FLOOR = 0.25


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    median_ms: float | None = None
    p95_ms: float | None = None
    #: throughput as a share of the floor's, at least
    share_of_floor: float | None = None
    signed_in: bool = False
    #: served with the library's caches off (search results and rendered pages), so every
    #: request searches and renders
    uncached: bool = False
    #: the addresses of another page, measured again (here: uncached)
    paths_of: str | None = None
    #: the slowest request, at most
    max_ms: float | None = None


PAGES = (
    Page("floor", "Floor: /healthz (one trivial query)"),
    Page("search_word", f"Library search: \u201c{COMMON_WORD}\u201d", 50, 150),
    Page("search_facets", "Library search: the word and two facets", 50, 150),
    Page("search_word_uncached", f"Library search: \u201c{COMMON_WORD}\u201d, uncached",
         30, 80, uncached=True, paths_of="search_word"),
    Page("search_facets_uncached", "Library search: the word and two facets, uncached",
         30, 80, uncached=True, paths_of="search_facets"),
    Page("search_cold", "Library search: the cold mix (300 new searches), uncached", 25, 80,
         uncached=True, max_ms=200),
    Page("lesson", "Lesson page", 20, share_of_floor=MIN_SHARE_OF_FLOOR),
    Page("pilot", "Pilot profile", 20, share_of_floor=MIN_SHARE_OF_FLOOR),
    Page("lesson_uncached", "Lesson page, rendered for every request", 15, uncached=True,
         paths_of="lesson"),
    Page("pilot_uncached", "Pilot profile, rendered for every request", 20, uncached=True,
         paths_of="pilot"),
    Page("dashboard", f"Facilitator dashboard, {PROGRAMME_PILOTS} pilots", 150, signed_in=True),
    Page("demand", "Facilitators' page of what readers search for, a month of 24", 150,
         signed_in=True),
    Page("api_lessons", "API list of lessons", 15),
)
