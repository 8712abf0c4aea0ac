"""Deduce measured on the guard's two corpora, the same way tests/test_privacy.py measures the guard.

Issue 17 asked whether to use deduce itself or only its name lists. This script gives deduce's
side of the comparison: its recall and false alarms per kind, its load time and its memory.
It needs deduce with its own dependencies in the running Python, which the site does not load:

    python -m venv /tmp/deduce && /tmp/deduce/bin/pip install 'deduce>=3.0.6' flask-babel
    /tmp/deduce/bin/python -m bench.guard_vs_deduce
"""

from __future__ import annotations

import resource
import statistics
import time

from tests.privacy_measure import existing_samples, heldout_samples, measure

#: deduce's tags, as the guard's kinds; a date is any date to deduce, so it counts as a birth
TAGS = {
    "persoon": "named_person", "patient": "named_person", "bsn": "bsn",
    "telefoonnummer": "phone", "emailadres": "email", "locatie": "postcode_address",
    "datum": "birth_date", "id": "national_number",
}


def main() -> None:
    started = time.perf_counter()
    from deduce import Deduce  # noqa: PLC0415 - measured: loading is part of the cost

    deduce = Deduce()
    loaded = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"deduce: loaded in {loaded:.1f} s, peak memory {peak:.0f} MB")
    timings: list[float] = []

    def scan(text: str):
        start = time.perf_counter()
        document = deduce.deidentify(text)
        timings.append((time.perf_counter() - start) * 1000)
        for annotation in document.annotations:
            if kind := TAGS.get(annotation.tag):
                yield kind, annotation.start_char, annotation.end_char

    for name, samples in (("existing", existing_samples()), ("held-out", heldout_samples())):
        result = measure(samples, lambda text: list(scan(text)))
        print("\n".join(result.lines(f"deduce on the {name} corpus")))
    print(f"per sentence: median {statistics.median(timings):.2f} ms, "
          f"max {max(timings):.1f} ms")
    text = " ".join(s.text for s in heldout_samples())[:5000]
    start = time.perf_counter()
    deduce.deidentify(text)
    print(f"a 5,000-character note: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
