"""Decoding an attachment's stored metadata (``_wp_attachment_metadata``), as the renderer and
the REST media object's ``media_details`` both read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet import phpjson
from broadsheet.attachment_meta import decode_metadata

EXPORT_META = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "phpserialize" / "export_meta.json").read_text(
        encoding="utf-8"
    )
)


def test_php_serialized_metadata_from_a_wordpress_export() -> None:
    row = next(
        r for r in EXPORT_META if r["post_id"] == 4 and r["meta_key"] == "_wp_attachment_metadata"
    )
    meta = decode_metadata(row["meta_value"])
    assert (meta["width"], meta["height"]) == (1600, 900)
    assert meta["file"] == "2023/05/eindhoven-skyline.jpg"
    assert meta["sizes"]["medium"]["mime-type"] == "image/jpeg"


def test_json_metadata_as_a_rest_import_stores_it() -> None:
    details = {"width": 640, "height": 480, "sizes": {"thumbnail": {"file": "a-150x150.jpg"}}}
    stored = "\n" + phpjson.dumps_storage(details) + " "
    assert decode_metadata(stored) == details


@pytest.mark.parametrize(
    "raw",
    [None, "", "   ", "a:1:{s:5:", "{not json", 's:3:"abc";', "b:0;", "i:5;", "a:0:{}"],
)
def test_missing_malformed_or_non_array_metadata_is_empty(raw: str | None) -> None:
    assert decode_metadata(raw) == {}
