"""bench/scale.py's URL list: distinct URLs in the asked-for mix, every one a valid request.

The list is drawn from an imported database (the oracle site); a URL the site answers with an
error would count as an error in the scale run, so each one is requested from a real server.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import scale  # noqa: E402


def test_urls_are_distinct_in_the_mix_and_answered(oracle_url: str, live_oracle: str) -> None:
    corpus = scale.load_corpus(oracle_url)
    assert corpus.prefix == "/archive/wp-json/wp/v2"
    assert corpus.posts and corpus.categories and corpus.tags and corpus.commented
    urls = scale.build_urls(corpus, 300, seed=7)
    assert len(urls) == 300
    assert len({url for _, url in urls}) == 300
    counts = Counter(kind for kind, _ in urls)
    for kind, share in scale.MIX.items():  # 300 is 3 per percent, so the mix comes out exact
        assert counts[kind] == 3 * share, kind
    assert [kind for kind, _ in urls[:20]] != sorted(kind for kind, _ in urls[:20])  # shuffled
    more = scale.build_urls(corpus, 50, seed=8, exclude={url for _, url in urls})
    assert not {url for _, url in more} & {url for _, url in urls}
    with httpx.Client(base_url=live_oracle, timeout=30) as client:
        failed = [(url, status) for _, url in urls if (status := client.get(url).status_code) != 200]
    assert failed == []


def test_too_small_a_corpus_is_refused(oracle_url: str) -> None:
    corpus = scale.load_corpus(oracle_url)
    corpus.commented = corpus.commented[:1]  # one post's comments: a few hundred URLs at most
    try:
        scale.build_urls(corpus, 10_000, mix={"comments": 1})
    except SystemExit as exc:
        assert "too small" in str(exc)
    else:
        raise AssertionError("10,000 distinct URLs of one post's comments")
