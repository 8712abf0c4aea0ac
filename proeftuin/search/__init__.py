"""Full-text search of the public library: one interface, a backend per database.

The interface lives in `index` (what is indexed, and the matches the library's queries join);
`text` makes the words both backends start from. Callers use the interface through this
package: `search.index_lesson(lesson)`, `search.matches(words)`.
"""

from proeftuin.search.index import (
    Document,
    backend,
    index_lesson,
    matches,
    rebuild,
    remove_lesson,
    title_matches,
)

__all__ = [
    "Document",
    "backend",
    "index_lesson",
    "matches",
    "rebuild",
    "remove_lesson",
    "title_matches",
]
