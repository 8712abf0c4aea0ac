"""Static file addresses carry the version of their file."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from proeftuin.web.static_files import DIGITS, version_of

STATIC = Path(__file__).resolve().parents[1] / "static"


def test_pages_link_static_files_by_the_hash_of_their_content(client):
    html = client.get("/").get_data(as_text=True)
    link = re.search(r'href="(/static/css/proeftuin\.css\?v=([0-9a-f]+))"', html)
    assert link, "the stylesheet is linked with its version"
    content = (STATIC / "css" / "proeftuin.css").read_bytes()
    assert link.group(2) == hashlib.sha256(content).hexdigest()[:DIGITS]
    with client.get(link.group(1)) as response:
        assert response.status_code == 200
        assert response.get_data() == content


def test_a_changed_file_gets_a_new_version(tmp_path):
    sheet = tmp_path / "site.css"
    sheet.write_text("body { color: black; }")
    first = version_of(tmp_path, "site.css")
    sheet.write_text("body { color: navy; }")
    # Some file systems keep a modification time of whole seconds; make the change visible.
    os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 10**9))
    assert version_of(tmp_path, "site.css") not in (None, first)


def test_no_version_for_a_missing_file_a_folder_or_one_outside_the_folder(tmp_path):
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("not static")
    assert version_of(folder, "missing.css") is None
    assert version_of(folder, "css") is None
    assert version_of(folder, "") is None
    assert version_of(folder, "../secret.txt") is None
