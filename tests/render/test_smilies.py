"""convert_smilies, mirroring WordPress's ``tests/phpunit/tests/formatting/convertSmilies.php``.

Cases with a custom smiley table (the ``smilies`` filter) are not mirrored: only WordPress's
default table is implemented. Generated cases come from the WordPress 6.1.9 oracle (see
``tests/fixtures/render/texturize/README.md``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from broadsheet.render.smilies import SMILIES, convert_smilies

SITE = "http://example.org"
SMILIES_URL = f"{SITE}/wp-includes/images/smilies/"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "render" / "texturize"


def mrgreen(site_images: str = SMILIES_URL) -> str:
    return (
        f'<img src="{site_images}mrgreen.png" alt=":mrgreen:" class="wp-smiley" '
        'style="height: 1em; max-height: 1em;" />'
    )


def convert(text: str) -> str:
    return convert_smilies(text, site_url=SITE)


STANDARD = [
    (
        "Lorem ipsum dolor sit amet mauris ;-) Praesent gravida sodales. :lol: Vivamus nec diam "
        "in faucibus eu, bibendum varius nec, imperdiet purus est, at augue at lacus malesuada "
        "elit dapibus a, :eek: mauris. Cras mauris viverra elit. Nam laoreet viverra. Pellentesque "
        "tortor. Nam libero ante, porta urna ut turpis. Nullam wisi magna, :mrgreen: tincidunt "
        "nec, sagittis non, fringilla enim. Nam consectetuer nec, ullamcorper pede eu dui odio "
        "consequat vel, vehicula tortor quis pede turpis cursus quis, egestas ipsum ultricies ut, "
        "eleifend velit. Mauris vestibulum iaculis. Sed in nunc. Vivamus elit porttitor egestas. "
        "Mauris purus :?:",
        "Lorem ipsum dolor sit amet mauris \U0001f609 Praesent gravida sodales. \U0001f606 Vivamus "
        "nec diam in faucibus eu, bibendum varius nec, imperdiet purus est, at augue at lacus "
        "malesuada elit dapibus a, \U0001f62e mauris. Cras mauris viverra elit. Nam laoreet "
        "viverra. Pellentesque tortor. Nam libero ante, porta urna ut turpis. Nullam wisi magna, "
        + mrgreen()
        + " tincidunt nec, sagittis non, fringilla enim. Nam consectetuer nec, ullamcorper pede "
        "eu dui odio consequat vel, vehicula tortor quis pede turpis cursus quis, egestas ipsum "
        "ultricies ut, eleifend velit. Mauris vestibulum iaculis. Sed in nunc. Vivamus elit "
        "porttitor egestas. Mauris purus \u2753",
    ),
    (
        "<strong>Welcome to the jungle!</strong> We got fun n games! :) We got everything you "
        "want 8-) <em>Honey we know the names :)</em>",
        "<strong>Welcome to the jungle!</strong> We got fun n games! \U0001f642 We got everything "
        "you want \U0001f60e <em>Honey we know the names \U0001f642</em>",
    ),
    (
        "<strong;)>a little bit of this\na little bit:other: of that :D\n:D a little bit of "
        "good\nyeah with a little bit of bad8O",
        "<strong;)>a little bit of this\na little bit:other: of that \U0001f600\n\U0001f600 a "
        "little bit of good\nyeah with a little bit of bad8O",
    ),
    (
        '<strong style="here comes the sun :-D">and I say it\'s alright:D:D',
        '<strong style="here comes the sun :-D">and I say it\'s alright:D:D',
    ),
    (
        "<!-- Woo-hoo, I'm a comment, baby! :x > -->",
        "<!-- Woo-hoo, I'm a comment, baby! :x > -->",
    ),
    (":?:P:?::-x:mrgreen:::", ":?:P:?::-x:mrgreen:::"),
]


@pytest.mark.parametrize(("given", "expected"), STANDARD)
def test_smilies_become_emoji_or_image_outside_tags(given: str, expected: str) -> None:
    assert convert(given) == expected


@pytest.mark.parametrize("element", ["pre", "code", "script", "style", "textarea"])
def test_smilies_are_ignored_inside_code_like_elements(element: str) -> None:
    given = (
        f"Do we ignore smilies ;-) in {element} tags "
        f'<{element} class="foo">My Content Here :?: </{element}>'
    )
    expected = (
        f"Do we ignore smilies \U0001f609 in {element} tags "
        f'<{element} class="foo">My Content Here :?: </{element}>'
    )
    assert convert(given) == expected


def test_smilies_resume_after_the_ignored_element_closes() -> None:
    assert convert("<pre>:) </pre> :)") == "<pre>:) </pre> \U0001f642"


COMBINATIONS = [
    ("8-O :-(", "\U0001f62f \U0001f641"),
    ("8-) 8-O", "\U0001f60e \U0001f62f"),
    ("8-) 8O", "\U0001f60e \U0001f62f"),
    ("8-) :-(", "\U0001f60e \U0001f641"),
    ("8-) :twisted:", "\U0001f60e \U0001f608"),
    (
        "8O :twisted: :( :? :roll: :mrgreen:",
        "\U0001f62f \U0001f608 \U0001f641 \U0001f615 \U0001f644 " + mrgreen(),
    ),
]


@pytest.mark.parametrize(("given", "expected"), COMBINATIONS)
def test_smilies_separated_by_single_spaces_all_convert(given: str, expected: str) -> None:
    assert convert(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("test :) smile", "test \U0001f642 smile"),
        ("test &nbsp;:)&nbsp;smile", "test &nbsp;\U0001f642&nbsp;smile"),
        ("test \xa0:)\xa0smile", "test \xa0\U0001f642\xa0smile"),
    ],
)
def test_smilies_are_delimited_by_spaces_that_stay_in_place(given: str, expected: str) -> None:
    assert convert(given) == expected


def test_smilies_need_a_space_or_line_edge_on_both_sides() -> None:
    assert convert("x:) :)x (:) :)") == "x:) :)x (:) \U0001f642"
    assert convert(":)\n:)") == "\U0001f642\n\U0001f642"


def test_smiley_image_url_uses_the_site_url() -> None:
    result = convert_smilies("a :mrgreen: b", site_url="https://ioplus.nl/archive/")
    assert result == "a " + mrgreen("https://ioplus.nl/archive/wp-includes/images/smilies/") + " b"


def test_default_table_maps_every_text_smiley_to_emoji_except_mrgreen() -> None:
    images = [smiley for smiley, value in SMILIES.items() if value.endswith(".png")]
    assert images == [":mrgreen:"]
    assert convert(":oops: I did it again") == "\U0001f633 I did it again"


def test_text_without_smilies_is_returned_unchanged() -> None:
    text = '<p class="x">Nothing to see: here; 8 items</p>'
    assert convert(text) == text
    assert convert("") == ""


DIFFERENTIAL = json.loads((FIXTURES / "php-differential.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("given", "expected"), DIFFERENTIAL["convert_smilies"])
def test_smilies_match_wordpress_on_generated_edge_cases(given: str, expected: str) -> None:
    assert convert_smilies(given, site_url="http://127.0.0.1:8081/archive") == expected
