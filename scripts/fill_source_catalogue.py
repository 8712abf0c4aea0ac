"""Fill the Dutch catalogue with its own msgids.

The msgids are Dutch, so Dutch needs no translation; filling it keeps every tool that checks
catalogues for gaps (and plural forms, which otherwise fall back to English rules) honest.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    """Copy each msgid (and plural) into its msgstr where that is still empty."""
    with open(path, "rb") as f:
        catalogue = read_po(f)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalogue, width=100)


if __name__ == "__main__":
    main(sys.argv[1])
