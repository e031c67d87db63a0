"""wpautop and shortcode_unautop (contract §4.7; upstream tests/phpunit/tests/formatting/wpAutop.php).

The behaviour tests below restate upstream cases with their expected output; the data-driven
tests replay tests/fixtures/render/autop/*.json, whose expected values were produced by
WordPress 6.8's own ``wpautop``/``shortcode_unautop`` (see tests/fixtures/render/wp_harness/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from broadsheet.render.autop import shortcode_unautop, wpautop

FIXTURES = Path(__file__).parent.parent / "fixtures" / "render" / "autop"


def _cases(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


WPAUTOP_CASES = _cases("wpautop.json")
UNAUTOP_CASES = _cases("shortcode_unautop.json")


@pytest.mark.parametrize("case", WPAUTOP_CASES, ids=[c["name"] for c in WPAUTOP_CASES])
def test_wpautop_matches_wordpress_output(case: dict[str, Any]) -> None:
    assert wpautop(case["input"], case["br"]) == case["expected"]


@pytest.mark.parametrize("case", UNAUTOP_CASES, ids=[c["name"] for c in UNAUTOP_CASES])
def test_shortcode_unautop_matches_wordpress_output(case: dict[str, Any]) -> None:
    assert shortcode_unautop(case["input"], case["shortcodes"]) == case["expected"]


def test_wpautop_returns_empty_string_for_blank_text() -> None:
    assert wpautop("") == ""
    assert wpautop(" \n\t\r\n ") == ""


def test_wpautop_wraps_blank_line_separated_text_in_paragraphs() -> None:
    assert wpautop("one\n\ntwo") == "<p>one</p>\n<p>two</p>\n"


def test_wpautop_turns_single_newline_into_br() -> None:
    assert wpautop("one\ntwo") == "<p>one<br />\ntwo</p>\n"


def test_wpautop_without_br_keeps_single_newlines() -> None:
    assert wpautop("one\ntwo", br=False) == "<p>one\ntwo</p>\n"


def test_wpautop_leaves_pre_contents_alone() -> None:
    text = "Look at this code\n\n<pre>Line1<br />Line2<br>Line3\n\nLine 5</pre>\n\nCool, huh?"
    expected = "<p>Look at this code</p>\n<pre>Line1<br />Line2<br>Line3\n\nLine 5</pre>\n<p>Cool, huh?</p>"
    assert wpautop(text).strip() == expected


def test_wpautop_does_not_add_br_to_inputs() -> None:
    text = (
        'Username: <input type="text" name="u" /><br />Password: <input type="password" name="p" />'
    )
    assert wpautop(text).strip() == f"<p>{text}</p>"


def test_wpautop_autops_blockquote_contents_but_not_the_blockquote() -> None:
    assert wpautop("<blockquote>foo</blockquote>").strip() == "<blockquote><p>foo</p></blockquote>"


def test_wpautop_puts_text_before_a_block_in_its_own_paragraph() -> None:
    assert wpautop("a<div>b</div>").strip() == "<p>a</p>\n<div>b</div>"


def test_wpautop_does_not_wrap_hr() -> None:
    assert (
        wpautop("paragraph1<hr>paragraph2").strip() == "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>"
    )


def test_wpautop_skips_line_breaks_after_existing_br() -> None:
    text = "\nline 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n"
    expected = "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>"
    assert wpautop(text).strip() == expected


def test_wpautop_turns_two_br_into_a_paragraph_break() -> None:
    assert (
        wpautop("\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n").strip()
        == "<p>line 1</p>\n<p>line 2</p>"
    )


def test_wpautop_keeps_newlines_inside_tags() -> None:
    assert wpautop("Hello <a\nhref='world'>") == "<p>Hello <a\nhref='world'></p>\n"


def test_wpautop_keeps_newlines_inside_script_svg_and_math() -> None:
    script = '<script type="text/javascript">\n\tvar dummy = 1;\n</script>'
    assert wpautop(script).strip() == f"<p>{script}</p>"
    svg = '<svg xmlns="http://www.w3.org/2000/svg">\n<circle cx="5" r="3"/>\n</svg>'
    assert wpautop(svg).strip() == f"<p>{svg}</p>"
    assert (
        wpautop("x\n<math>\n<mi>y</mi>\n</math>") == "<p>x<br />\n<math>\n<mi>y</mi>\n</math></p>\n"
    )


def test_wpautop_does_not_treat_math_as_a_block_element() -> None:
    assert wpautop("<math><mi>x</mi></math>") == "<p><math><mi>x</mi></math></p>\n"


def test_wpautop_does_not_split_figure_and_figcaption() -> None:
    text = '<figure>\n<img src="example.jpg" />\n<figcaption>Caption</figcaption>\n</figure>'
    assert (
        wpautop(text).strip()
        == '<figure>\n<img src="example.jpg" /><figcaption>Caption</figcaption></figure>'
    )


def test_wpautop_adds_missing_closing_paragraph_inside_div() -> None:
    text = '<div class="note">A div\n\nwith blank lines inside</div>'
    assert wpautop(text) == '<div class="note">A div</p>\n<p>with blank lines inside</p></div>\n'


def test_wpautop_does_not_treat_nbsp_as_whitespace() -> None:
    assert wpautop("one\n\u00a0\ntwo") == "<p>one<br />\n\u00a0<br />\ntwo</p>\n"


def test_wpautop_normalises_windows_line_endings() -> None:
    assert wpautop("one\r\ntwo\r\n\r\nthree") == "<p>one<br />\ntwo</p>\n<p>three</p>\n"


@pytest.mark.parametrize(
    "text",
    [
        '<p>[gallery ids="37,15,11"]</p>',
        '<p> [gallery ids="37,15,11"] </p>',
        '<p> \u00a0[gallery ids="37,15,11"] \u00a0</p>',
        '<p> &nbsp;[gallery ids="37,15,11"] &nbsp;</p>',
    ],
)
def test_shortcode_unautop_removes_paragraph_and_spaces_around_a_lone_shortcode(text: str) -> None:
    assert shortcode_unautop(text, ["gallery"]) == '[gallery ids="37,15,11"]'


def test_shortcode_unautop_undoes_wpautop_of_a_lone_shortcode() -> None:
    assert shortcode_unautop(wpautop("[footag]\n"), ["footag"]) == "[footag]\n"


def test_shortcode_unautop_keeps_paragraph_for_unregistered_or_accompanied_shortcodes() -> None:
    assert shortcode_unautop("<p>[other]</p>\n", ["footag"]) == "<p>[other]</p>\n"
    assert shortcode_unautop("<p>See [footag]</p>\n", ["footag"]) == "<p>See [footag]</p>\n"
    assert shortcode_unautop("<p>[footag]</p>\n", []) == "<p>[footag]</p>\n"


def test_shortcode_unautop_handles_enclosing_shortcodes_spanning_lines() -> None:
    text = "<p>[video]<br />\nx<br />\n[/video]</p>\n"
    assert shortcode_unautop(text, ["video"]) == "[video]<br />\nx<br />\n[/video]\n"


def test_math_is_a_block_tag_before_wordpress_6_2() -> None:
    # WordPress 6.1.9 (the oracle, php-cli): <math> is in wpautop's block list, and its
    # newlines become <br /> like any other; 6.2 made it inline and keeps its newlines.
    text = "1<math></math>  \n<figure></figure>\r\n\n<math>a\nb</math>"
    assert wpautop(text, math_block=True) == (
        "<p>1</p>\n<math></math>\n<figure></figure>\n<math>a<br />\nb</math>\n"
    )
    assert wpautop(text) == "<p>1<math></math>  </p>\n<figure></figure>\n<p><math>a\nb</math></p>\n"
