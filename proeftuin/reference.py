"""The framework and other reference data, in Dutch and English.

The file `data/framework.json` is the source. Questions, directions, disciplines, target
groups and regions become database rows (pilots link to them); the short key lists (scales,
organisation kinds, lesson kinds and levels, evidence bases) stay here as labelled choices.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from flask_babel import get_locale

LANGUAGES = ("nl", "en")


@cache
def framework() -> dict:
    """Return the reference data as shipped with the package."""
    with resources.files("proeftuin").joinpath("data/framework.json").open(encoding="utf-8") as f:
        return json.load(f)


def current_language() -> str:
    """Return the interface language of this request ("nl" outside a request)."""
    try:
        locale = get_locale()
    except RuntimeError:  # outside an application or request context
        return "nl"
    return locale.language if locale is not None and locale.language in LANGUAGES else "nl"


def localized(nl: str, en: str | None) -> str:
    """Pick the text for the interface language, falling back to Dutch."""
    return en if current_language() == "en" and en else nl


def choices(group: str) -> list[tuple[str, str]]:
    """Return (key, label) pairs of a keyed group, such as "organisation_kinds"."""
    return [(item["key"], localized(item["nl"], item["en"])) for item in framework()[group]]


def label(group: str, key: str | None) -> str:
    """Return the label of one key in a keyed group, or the key itself if unknown."""
    if key is None:
        return ""
    key = getattr(key, "value", key)
    for item in framework()[group]:
        if item["key"] == key:
            return localized(item["nl"], item["en"])
    return str(key)


def keys(group: str) -> list[str]:
    """Return the keys of a keyed group, in their reference order."""
    return [item["key"] for item in framework()[group]]


def reference_rows() -> dict[str, list[dict]]:
    """Return the rows of the reference tables, keyed by table name.

    Shared by the first migration and the test fixtures, so both load the same data.
    """
    data = framework()
    disciplines = [
        {"key": d["key"], "name_nl": d["nl"], "name_en": d["en"], "essential": True,
         "position": i}
        for i, d in enumerate(data["essential_disciplines"])
    ]
    disciplines += [
        {"key": d["key"], "name_nl": d["nl"], "name_en": d["en"], "essential": False,
         "position": len(disciplines) + i}
        for i, d in enumerate(data["other_disciplines"])
    ]
    regions = []
    for country, names in data["regions"].items():
        for name in names:
            regions.append({"name": name, "country": country, "position": len(regions)})
    return {
        "carer_question": [
            {"number": q["number"], "name_nl": q["nl"], "name_en": q["en"]}
            for q in data["carer_questions"]
        ],
        "solution_direction": [
            {"number": d["number"], "name_nl": d["nl"], "name_en": d["en"]}
            for d in data["solution_directions"]
        ],
        "discipline": disciplines,
        "target_group": [
            {"key": t["key"], "name_nl": t["nl"], "name_en": t["en"], "position": i}
            for i, t in enumerate(data["target_groups"])
        ],
        "region": regions,
    }
