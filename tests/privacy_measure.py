"""Measure a personal-data scanner on the two corpora: recall and false alarms per kind.

A marked piece of personal data counts as found when a finding of its kind overlaps it. A
finding that overlaps no marked piece at all is a false alarm; the false-alarm rate of a kind
is the share of sentences (with and without personal data) that hold one of that kind. Used by
tests/test_privacy.py and by bench/guard_vs_deduce.py, which measures deduce the same way.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tests import privacy_corpus, privacy_heldout, privacy_unseen

KINDS = (
    "named_person", "bsn", "national_number", "phone", "email", "postcode_address", "birth_date",
)
# The held-out corpus says "address" for what the scanner calls a postcode address.
_HELDOUT_KINDS = {"address": "postcode_address"}
_HELDOUT_MARK = re.compile(r"\[\[(?P<kind>[a-z_]+):(?P<text>.+?)\]\]")


@dataclass(frozen=True)
class Sample:
    text: str
    #: (kind, start, end) of every marked piece of personal data
    marks: tuple[tuple[str, int, int], ...]


@dataclass
class Result:
    """What a scanner found in one corpus, per kind."""

    sentences: int
    total: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: per kind: (sentence, stray finding text)
    false_alarms: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else 1.0

    def false_alarm_rate(self, kind: str) -> float:
        sentences = {text for text, _found in self.false_alarms[kind]}
        return len(sentences) / self.sentences

    def lines(self, name: str) -> list[str]:
        """A table of recall and false alarms per kind, for the run's summary."""
        rows = [f"{name}: {self.sentences} sentences, {sum(self.total.values())} marked pieces"]
        for kind in KINDS:
            rows.append(
                f"  {kind:<17} recall {self.found[kind]:>3}/{self.total[kind]:<3} "
                f"{self.recall(kind):.3f}   false alarms {self.false_alarm_rate(kind):.3f}"
                f" ({len(self.false_alarms[kind])})"
            )
        return rows


def existing_samples() -> list[Sample]:
    """The corpus written with the first scanner: one marked piece per positive."""
    samples = []
    for kind, snippet in privacy_corpus.POSITIVES:
        text, (start, end) = privacy_corpus.unmark(snippet)
        samples.append(Sample(text, ((kind, start, end),)))
    return samples + [Sample(text, ()) for text in privacy_corpus.NEGATIVES]


def heldout_samples(corpus=privacy_heldout) -> list[Sample]:
    """A held-out corpus: any number of [[kind:text]] marks per sentence."""
    samples = []
    for snippet in corpus.POSITIVES:
        parts, marks, position = [], [], 0
        for match in _HELDOUT_MARK.finditer(snippet):
            parts.append(snippet[position:match.start()])
            start = sum(map(len, parts))
            kind = match.group("kind")
            marks.append((_HELDOUT_KINDS.get(kind, kind), start, start + len(match["text"])))
            parts.append(match["text"])
            position = match.end()
        parts.append(snippet[position:])
        samples.append(Sample("".join(parts), tuple(marks)))
    return samples + [Sample(text, ()) for text in corpus.NEGATIVES]


def unseen_samples() -> list[Sample]:
    """The corpus written after the scanner was finished: measured, never tuned to."""
    return heldout_samples(privacy_unseen)


def measure(
    samples: Iterable[Sample], scan: Callable[[str], Iterable[tuple[str, int, int]]]
) -> Result:
    """Run `scan` (text -> (kind, start, end) findings) over the samples."""
    samples = list(samples)
    result = Result(sentences=len(samples))
    for sample in samples:
        findings = list(scan(sample.text))
        for kind, start, end in sample.marks:
            result.total[kind] += 1
            if any(k == kind and s < end and start < e for k, s, e in findings):
                result.found[kind] += 1
            else:
                result.misses[kind].append(sample.text[start:end])
        for kind, start, end in findings:
            if not any(s < end and start < e for _k, s, e in sample.marks):
                result.false_alarms[kind].append((sample.text, sample.text[start:end]))
    return result
