"""Per-request instance counters: tokens, templates, numbering and matching (render/instances.py);
and the PHP value helpers the block supports use (serialize, string casts).

The PHP outputs pinned here were printed by php-cli 8.2 (``serialize()``, ``(string)``).
"""

from __future__ import annotations

import pytest

from broadsheet.render.instances import (
    RenderState,
    draws,
    instance_base,
    is_template,
    make_template,
    match_template,
    resolve,
)
from broadsheet.render.php import php_serialize, php_string


def rendered(state: RenderState) -> str:
    """A post drawing two audio players (the first with the old-IE shim) and a container."""
    first, second = state.instance("audio"), state.instance("audio")
    container = state.instance("uid")
    state.instance("uid")  # a draw that shows nowhere
    shim = state.when_first("audio", first, "<!--shim-->")
    return (
        f'{shim}<audio id="audio-7-{first}" src="a.mp3?_={first}"></audio>'
        f'<audio id="audio-7-{second}"></audio><div class="wp-container-{container}"></div>'
    )


def template() -> str:
    state = RenderState(tokens=True)
    return make_template(rendered(state), state.counters)


def test_without_tokens_counters_count_as_wordpress_statics_do() -> None:
    state = RenderState()
    assert rendered(state) == (
        '<!--shim--><audio id="audio-7-1" src="a.mp3?_=1"></audio><audio id="audio-7-2"></audio>'
        '<div class="wp-container-1"></div>'
    )
    assert "shim" not in rendered(state)  # the request's third player is not its first


def test_a_template_resolves_alone_as_the_plain_rendering() -> None:
    stored = template()
    assert is_template(stored) and draws(stored) == {"audio": 2, "uid": 2}
    assert resolve(stored) == rendered(RenderState())


def test_a_template_numbers_from_the_request_counters_and_moves_them_on() -> None:
    counters = {"audio": 3, "video": 1}
    assert resolve(template(), counters) == (
        '<audio id="audio-7-4" src="a.mp3?_=4"></audio><audio id="audio-7-5"></audio>'
        '<div class="wp-container-1"></div>'
    )
    assert counters == {"audio": 5, "video": 1, "uid": 2}


def test_plain_html_is_not_a_template_and_passes_through() -> None:
    assert make_template("<p>x</p>", {}) == "<p>x</p>"
    counters = {"audio": 1}
    assert resolve("<p>x</p>", counters) == "<p>x</p>" and counters == {"audio": 1}
    assert not is_template("<p>x</p>") and draws("<p>x</p>") == {}


def test_a_conditional_token_can_number_its_other_text() -> None:
    state = RenderState(tokens=True)
    number = state.instance("unique-id:cap-")
    stored = make_template(state.when_first("unique-id:cap-", number, "cap", "cap-{n}"), state.counters)
    assert resolve(stored) == "cap"
    assert resolve(stored, {"unique-id:cap-": 2}) == "cap-3"


def test_instance_base_lists_only_the_counters_templates_read() -> None:
    stored = template()
    assert instance_base([stored, None, "<p>plain</p>"], {"audio": 4, "gallery": 9}) == (
        ("audio", 4),
        ("uid", 0),
    )
    assert instance_base(["<p>plain</p>"], {"audio": 4}) == ()


@pytest.mark.parametrize(
    ("counters", "found"),
    [({}, {"audio": 0, "uid": 0}), ({"audio": 6, "uid": 11}, {"audio": 6, "uid": 11})],
)
def test_match_template_finds_the_counters_a_rendering_was_numbered_at(
    counters: dict[str, int], found: dict[str, int]
) -> None:
    stored = template()
    assert match_template(stored, resolve(stored, dict(counters))) == found


def test_match_template_refuses_html_no_counters_give() -> None:
    stored = template()
    assert match_template(stored, resolve(stored).replace("audio-7-2", "audio-7-5")) is None
    assert match_template(stored, resolve(stored).replace("<div", "<section")) is None
    # the shim belongs to the request's first player only
    assert match_template(stored, "<!--shim-->" + resolve(stored, {"audio": 2})) is None
    assert match_template("<p>x</p>", "<p>x</p>") == {}
    assert match_template("<p>x</p>", "<p>y</p>") is None


@pytest.mark.parametrize(
    ("value", "php"),
    [
        ({"a": 1, "b": 0.5, "c": 1e25, "e": 2.0, "1": True, "02": None}, 'a:6:{s:1:"a";i:1;s:1:"b";d:0.5;s:1:"c";d:1.0E+25;s:1:"e";d:2;i:1;b:1;s:2:"02";N;}'),
        ([1, "é", [], {"x": []}], 'a:4:{i:0;i:1;i:1;s:2:"é";i:2;a:0:{}i:3;a:1:{s:1:"x";a:0:{}}}'),
        (1e15, "d:1000000000000000;"), (1e17, "d:1.0E+17;"), (1.5e-5, "d:1.5E-5;"),
        (0.00012, "d:0.00012;"), (-0.0, "d:-0;"), (123456789012345680.0, "d:1.2345678901234568E+17;"),
    ],
)  # fmt: skip
def test_php_serialize_writes_what_php_writes(value: object, php: str) -> None:
    assert php_serialize(value) == php


@pytest.mark.parametrize(
    ("value", "php"),
    [(True, "1"), (False, ""), (None, ""), (4, "4"), (4.0, "4"), (0.5, "0.5"), ([1], "Array"), ("x", "x")],
)
def test_php_string_casts_as_php_does(value: object, php: str) -> None:
    assert php_string(value) == php
