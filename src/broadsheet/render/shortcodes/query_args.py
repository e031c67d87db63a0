"""WordPress's add_query_arg() and remove_query_arg() for one key (``[audio]``, ``[video]``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote_plus

__all__ = ["add_query_arg", "remove_query_arg"]


def _php_urlencode(value: str) -> str:
    return quote_plus(value, safe="").replace("~", "%7E")


def add_query_arg(key: str, value: str, url: str) -> str:
    """add_query_arg() for one key on a URL (existing values are re-encoded, as WordPress does)."""
    fragment = ""
    if "#" in url:
        url, fragment = url.split("#", 1)
        fragment = "#" + fragment
    protocol = ""
    for scheme in ("http://", "https://"):
        if url.lower().startswith(scheme):
            protocol, url = url[: len(scheme)], url[len(scheme) :]
            break
    if "?" in url:
        base, query = url.split("?", 1)
        base += "?"
    elif protocol or "=" not in url:
        base, query = url + "?", ""
    else:
        base, query = "", url
    pairs = {k: _php_urlencode(v) for k, v in parse_qsl(query, keep_blank_values=True)}
    pairs[key] = value
    built = "&".join(f"{k}={v}" for k, v in pairs.items()).strip("?")
    built = re.sub(r"=(&|$)", r"\1", built)
    return (protocol + base + built + fragment).rstrip("?")


def remove_query_arg(key: str, url: str) -> str:
    if "?" not in url:
        return url
    head, _, tail = url.partition("?")
    query, hashmark, fragment = tail.partition("#")
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] != key]
    return (head + ("?" + "&".join(kept) if kept else "") + hashmark + fragment).rstrip("?")
