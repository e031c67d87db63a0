"""esc_html, esc_attr, esc_url and sanitize_html_class.

Mirrors WordPress's ``tests/phpunit/tests/formatting/escHtml.php``, ``escAttr.php`` and
``escUrl.php`` (the ``esc_url`` cases; ``sanitize_url``-only and non-display-context cases are
not mirrored). Generated cases come from the WordPress 6.1.9 oracle (see
``tests/fixtures/render/texturize/README.md``).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from broadsheet.render.escape import (
    ALLOWED_PROTOCOLS,
    esc_attr,
    esc_html,
    esc_url,
    normalize_entities,
    sanitize_html_class,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "render" / "texturize"
DIFFERENTIAL = json.loads((FIXTURES / "php-differential.json").read_text(encoding="utf-8"))

# --- esc_html / esc_attr --------------------------------------------------------------------------


def test_esc_html_leaves_plain_text_alone() -> None:
    assert esc_html("The quick brown fox.") == "The quick brown fox."


def test_esc_html_encodes_ampersands_in_urls() -> None:
    assert (
        esc_html("http://localhost/trunk/wp-login.php?action=logout&_wpnonce=cd57d75985")
        == "http://localhost/trunk/wp-login.php?action=logout&amp;_wpnonce=cd57d75985"
    )


def test_esc_html_encodes_single_quotes_as_numeric_entity() -> None:
    sql = (
        "SELECT meta_key, meta_value FROM wp_trunk_sitemeta WHERE meta_key IN ('site_name', "
        "'siteurl', 'active_sitewide_plugins') AND site_id = 1"
    )
    assert esc_html(sql) == (
        "SELECT meta_key, meta_value FROM wp_trunk_sitemeta WHERE meta_key IN (&#039;site_name&#039;, "
        "&#039;siteurl&#039;, &#039;active_sitewide_plugins&#039;) AND site_id = 1"
    )


def test_esc_html_escapes_ampersands() -> None:
    assert esc_html("penn & teller & at&t") == "penn &amp; teller &amp; at&amp;t"


def test_esc_html_escapes_greater_and_less_than() -> None:
    assert (
        esc_html("this > that < that <randomhtml />")
        == "this &gt; that &lt; that &lt;randomhtml /&gt;"
    )


def test_esc_html_keeps_existing_entities_and_normalises_numeric_ones() -> None:
    assert esc_html("&#038; &#x00A3; &#x22; &amp;") == "&#038; &#xA3; &#x22; &amp;"


def test_esc_html_encodes_entities_wordpress_does_not_know() -> None:
    assert esc_html("&bogus; &apos; &NBSP; &#xD800; &#0;") == (
        "&amp;bogus; &amp;apos; &amp;NBSP; &amp;#xD800; "
    )


def test_esc_html_returns_empty_string_for_invalid_unicode() -> None:
    assert esc_html("a\ud800b") == ""
    assert esc_html("") == ""


def test_esc_attr_encodes_both_quote_kinds() -> None:
    assert esc_attr('"double quotes"') == "&quot;double quotes&quot;"
    assert esc_attr("'single quotes'") == "&#039;single quotes&#039;"
    assert esc_attr("'mixed' \"quotes\"") == "&#039;mixed&#039; &quot;quotes&quot;"


def test_esc_attr_does_not_double_encode() -> None:
    for text in ('"double quotes"', "'single quotes'", "'mixed' \"quotes\""):
        assert esc_attr(esc_attr(text)) == esc_attr(text)


def test_esc_attr_encodes_ampersands_unless_they_start_a_known_entity() -> None:
    assert esc_attr("foo & bar &baz; &nbsp;") == "foo &amp; bar &amp;baz; &nbsp;"


def test_normalize_entities_pads_decimal_references_and_rejects_invalid_ones() -> None:
    assert normalize_entities("AT&T &#00058; &#XYZZY; &#x0041;") == (
        "AT&amp;T &#058; &amp;#XYZZY; &#x41;"
    )


@pytest.mark.parametrize(("given", "expected"), DIFFERENTIAL["esc_html"])
def test_esc_html_matches_wordpress_on_generated_edge_cases(given: str, expected: str) -> None:
    assert esc_html(given) == expected
    assert esc_attr(given) == expected


# --- esc_url ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://example.com/Mr WordPress", "http://example.com/Mr%20WordPress"),
        ("http://example.com/Mr%20WordPress", "http://example.com/Mr%20WordPress"),
        ("http://example.com/Mr%20%20WordPress", "http://example.com/Mr%20%20WordPress"),
        ("http://example.com/Mr+WordPress", "http://example.com/Mr+WordPress"),
        (" http://example.com/Mr+WordPress", "http://example.com/Mr+WordPress"),
        (
            "http://example.com/?foo=one two three&bar=four",
            "http://example.com/?foo=one%20two%20three&#038;bar=four",
        ),
        (
            "http://example.com/?foo=one%20two%20three&bar=four",
            "http://example.com/?foo=one%20two%20three&#038;bar=four",
        ),
    ],
)
def test_esc_url_encodes_spaces(given: str, expected: str) -> None:
    assert esc_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://example.com/watchthelinefeed%0Ago", "http://example.com/watchthelinefeedgo"),
        ("http://example.com/watchthelinefeed%0ago", "http://example.com/watchthelinefeedgo"),
        (
            "http://example.com/watchthecarriagereturn%0Dgo",
            "http://example.com/watchthecarriagereturngo",
        ),
        (
            "http://example.com/watchthecarriagereturn%0dgo",
            "http://example.com/watchthecarriagereturngo",
        ),
        (
            "http://example.com/watchthecarriagereturn%0%0ddgo",
            "http://example.com/watchthecarriagereturngo",
        ),
        (
            "http://example.com/watchthecarriagereturn%0%0DDgo",
            "http://example.com/watchthecarriagereturngo",
        ),
        ("http://example.com/%0%0%0DAD", "http://example.com/"),
        ("http://example.com/%0%0%0ADA", "http://example.com/"),
        ("http://example.com/%0%0%0DAd", "http://example.com/"),
        ("http://example.com/%0%0%0ADa", "http://example.com/"),
    ],
)
def test_esc_url_strips_encoded_line_breaks_even_when_nested(given: str, expected: str) -> None:
    assert esc_url(given) == expected


@pytest.mark.parametrize("url", ["/example.php", "example.php", "#fragment", "?foo=bar"])
def test_esc_url_keeps_relative_urls(url: str) -> None:
    assert esc_url(url) == url


def test_esc_url_keeps_all_url_parts_and_encodes_brackets_and_ampersands() -> None:
    url = "https://user:pass@host.example.com:1234/path;p=1?query=2&r[]=3#fragment"
    assert esc_url(url) == (
        "https://user:pass@host.example.com:1234/path;p=1?query=2&#038;r%5B%5D=3#fragment"
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("example.com?foo", "http://example.com?foo"),
        ("example.com", "http://example.com"),
        ("localhost", "http://localhost"),
        ("example.com/foo", "http://example.com/foo"),
        ("баба.org/баба", "http://баба.org/баба"),
    ],
)
def test_esc_url_adds_http_to_bare_domains(given: str, expected: str) -> None:
    assert esc_url(given) == expected


def test_esc_url_adds_https_to_bare_domains_when_https_is_the_first_allowed_protocol() -> None:
    assert esc_url("example.com", protocols=("https", "http")) == "https://example.com"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://example.com?foo=1&bar=2", "http://example.com?foo=1&#038;bar=2"),
        ("http://example.com?foo=1&amp;bar=2", "http://example.com?foo=1&#038;bar=2"),
        ("http://example.com?foo=1&#038;bar=2", "http://example.com?foo=1&#038;bar=2"),
    ],
)
def test_esc_url_displays_every_ampersand_as_numeric_entity(given: str, expected: str) -> None:
    assert esc_url(given) == expected


def test_esc_url_keeps_percent_encoded_query_values() -> None:
    param = quote("http://example.com/?one=1&two=2", safe="")
    assert esc_url(f"http://example.com?url={param}") == f"http://example.com?url={param}"


def test_esc_url_rejects_disallowed_protocols() -> None:
    assert esc_url("http://example.com") == "http://example.com"
    assert esc_url("nasty://example.com/") == ""
    assert esc_url("example.com", protocols=("https",)) == "https://example.com"
    assert esc_url("http://example.com", protocols=("https",)) == ""
    assert esc_url("https://example.com", protocols=("http", "https")) == "https://example.com"
    assert "data" not in ALLOWED_PROTOCOLS
    assert esc_url("data:text/plain;base64,SGVsbG8sIFdvcmxkIQ%3D%3D") == ""
    assert esc_url("javascript:alert(1)") == ""
    assert esc_url("foo://example.com", protocols=("foo",)) == "foo://example.com"


@pytest.mark.parametrize("scheme", ALLOWED_PROTOCOLS)
def test_esc_url_accepts_every_allowed_protocol(scheme: str) -> None:
    assert esc_url(f"{scheme}://example.com") == f"{scheme}://example.com"
    assert esc_url(f"{scheme}://example.com", protocols=(scheme,)) == f"{scheme}://example.com"


def test_esc_url_lowercases_the_protocol() -> None:
    assert esc_url("HTTP://example.com") == "http://example.com"
    assert esc_url("Http://example.com") == "http://example.com"


def test_esc_url_encodes_single_quotes_for_display() -> None:
    assert esc_url("http://example.com/'quoted'") == "http://example.com/&#039;quoted&#039;"


@pytest.mark.parametrize(
    "url",
    ["http://example.org/баба", "http://баба.org/баба", "http://müller.com/"],
)
def test_esc_url_keeps_non_ascii_characters(url: str) -> None:
    assert esc_url(url) == url


def test_esc_url_only_allows_feed_to_wrap_allowed_protocols() -> None:
    assert esc_url("feed:javascript:alert(1)") == ""
    assert esc_url("feed:javascript:feed:alert(1)") == ""
    assert esc_url("feed:feed:javascript:alert(1)") == ""
    assert esc_url("feed:feed:alert(1)") == "feed:feed:alert(1)"
    assert esc_url("feed:http://wordpress.org/feed/") == "feed:http://wordpress.org/feed/"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/example.php?one[]=two", "/example.php?one%5B%5D=two"),
        ("?foo[bar]=baz", "?foo%5Bbar%5D=baz"),
        ("//example.com/?foo[bar]=baz", "//example.com/?foo%5Bbar%5D=baz"),
        ("example.com/?foo[bar]=baz", "http://example.com/?foo%5Bbar%5D=baz"),
        ("localhost?foo[bar]=baz", "http://localhost?foo%5Bbar%5D=baz"),
        ("http://example.com/?foo[bar]=baz", "http://example.com/?foo%5Bbar%5D=baz"),
        ("http://example.com/?foo%5Bbar%5D=baz", "http://example.com/?foo%5Bbar%5D=baz"),
        (
            "http://example.com/?baz=bar&foo[bar]=baz",
            "http://example.com/?baz=bar&#038;foo%5Bbar%5D=baz",
        ),
        (
            "http://example.com/?baz=bar&#038;foo%5Bbar%5D=baz",
            "http://example.com/?baz=bar&#038;foo%5Bbar%5D=baz",
        ),
    ],
)
def test_esc_url_percent_encodes_square_brackets_after_the_host(given: str, expected: str) -> None:
    assert esc_url(given) == expected


def test_esc_url_keeps_colons_in_protocol_relative_queries() -> None:
    assert esc_url("//example.com/foo?foo=abc:def") == "//example.com/foo?foo=abc:def"


def test_esc_url_keeps_encoded_newlines_in_mailto_links() -> None:
    body = quote(
        "Hi there,\n\nI thought you might want to sign up for this newsletter", safe="!~*'()"
    )
    assert esc_url("mailto:?body=" + body) == (
        "mailto:?body=Hi%20there%2C%0A%0AI%20thought%20you%20might%20want%20to%20sign%20up%20for"
        "%20this%20newsletter"
    )


def test_esc_url_strips_encoded_newlines_from_mailto_path_of_http_urls() -> None:
    body = quote(
        "Hi there,\n\nI thought you might want to sign up for this newsletter", safe="!~*'()"
    )
    assert esc_url("http://example.com/mailto:?body=" + body) == (
        "http://example.com/mailto:?body=Hi%20there%2CI%20thought%20you%20might%20want%20to%20sign"
        "%20up%20for%20this%20newsletter"
    )


def test_esc_url_encodes_spaces_in_mailto_links() -> None:
    body = "Hi there, I thought you might want to sign up for this newsletter"
    assert esc_url("mailto:?body=" + body) == (
        "mailto:?body=Hi%20there,%20I%20thought%20you%20might%20want%20to%20sign%20up%20for%20this"
        "%20newsletter"
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("//[::127.0.0.1]", "//[::127.0.0.1]"),
        ("http://[::FFFF::127.0.0.1]", "http://[::FFFF::127.0.0.1]"),
        ("http://[::127.0.0.1]", "http://[::127.0.0.1]"),
        (
            "http://[::DEAD:BEEF:DEAD:BEEF:DEAD:BEEF:DEAD:BEEF]",
            "http://[::DEAD:BEEF:DEAD:BEEF:DEAD:BEEF:DEAD:BEEF]",
        ),
        ("//[::FFFF::127.0.0.1]/?foo[bar]=baz", "//[::FFFF::127.0.0.1]/?foo%5Bbar%5D=baz"),
        (
            "http://[::FFFF::127.0.0.1]/?foo[bar]=baz",
            "http://[::FFFF::127.0.0.1]/?foo%5Bbar%5D=baz",
        ),
    ],
)
def test_esc_url_keeps_ipv6_hosts_in_brackets(given: str, expected: str) -> None:
    assert esc_url(given) == expected


def test_esc_url_drops_characters_never_allowed_in_urls() -> None:
    assert esc_url('http://example.com/a"b<c>d{e}f^g`h') == "http://example.com/abcdefgh"
    assert esc_url('"^<>{}`') == ""
    assert esc_url("") == ""


@pytest.mark.parametrize(("given", "expected"), DIFFERENTIAL["esc_url"])
def test_esc_url_matches_wordpress_on_generated_edge_cases(given: str, expected: str) -> None:
    assert esc_url(given) == expected


# --- sanitize_html_class ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("wp-block-heading", "wp-block-heading"),
        ("advgb-dyn-c193b6d1", "advgb-dyn-c193b6d1"),
        ("has space", "hasspace"),
        ("caf%C3%A9", "caf"),
        ("café", "caf"),
        ("a.b:c/d", "abcd"),
        ("%zz_x", "zz_x"),
    ],
)
def test_sanitize_html_class_keeps_only_class_characters(given: str, expected: str) -> None:
    assert sanitize_html_class(given) == expected


def test_sanitize_html_class_uses_sanitized_fallback_when_nothing_is_left() -> None:
    assert sanitize_html_class("%20", "fall back!") == "fallback"
    assert sanitize_html_class("é", "") == ""
    assert sanitize_html_class("ok", "fallback") == "ok"


@pytest.mark.parametrize(("given", "expected"), DIFFERENTIAL["sanitize_html_class"])
def test_sanitize_html_class_matches_wordpress_on_generated_edge_cases(
    given: str, expected: str
) -> None:
    assert sanitize_html_class(given) == expected
