"""Site settings read from a REST source: what the index, settings and objects reveal.

A settings file given with ``--site-settings`` wins over everything here; what neither says
falls back to WordPress's defaults (broadsheet.settings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain
from typing import Any

from ..compat import CLASS_LIST, POSTS_PARAMETERS, TARGET_HINTS
from .sources import Bundle

CORE_TAXONOMY_LABELS = {"category": ("Categories", "Category"), "post_tag": ("Tags", "Tag")}
_META_TYPES: tuple[tuple[type, str, Any], ...] = ((bool, "boolean", False), (int, "integer", 0), (float, "number", 0.0), (str, "string", ""),
               (list, "array", []), (dict, "object", {}))


def _first(items: Iterable[dict[str, Any]], **match: Any) -> dict[str, Any] | None:
    for item in items:
        if all(item.get(k) == v for k, v in match.items()):
            return item
    return None


def _self_href(item: dict[str, Any]) -> str | None:
    links = item.get("_links")
    if isinstance(links, dict):
        selfs = links.get("self")
        if isinstance(selfs, list) and selfs and isinstance(selfs[0], dict):
            href = selfs[0].get("href")
            return href if isinstance(href, str) else None
    return None


def home_and_prefix(bundle: Bundle) -> tuple[str | None, str | None]:
    """Home URL and REST prefix, from the index or any object's self link."""
    index = bundle.documents.get("index")
    home = index.get("home") if isinstance(index, dict) else None
    prefix = None
    for item in chain(bundle.posts, bundle.terms, bundle.users):
        href = _self_href(item)
        if href and "/wp/v2/" in href:
            root = href.split("/wp/v2/", 1)[0]
            base, _, prefix = root.rpartition("/")
            home = home or base
            break
    return (home.rstrip("/") if isinstance(home, str) else None), prefix


def _path(url: str, home: str) -> str | None:
    if not isinstance(url, str) or not url.startswith(home):
        return None
    return url[len(home):].split("?", 1)[0] or "/"


def _struct_from_link(link: str, home: str, slug: str, tag: str, date: str | None = None) -> str | None:
    path = _path(link, home)
    if path is None or not slug or f"/{slug}" not in path:
        return None
    struct = path.replace(f"/{slug}/", f"/%{tag}%/", 1) if f"/{slug}/" in path else path.replace(f"/{slug}", f"/%{tag}%", 1)
    if date:
        y, m, d = date[:4], date[5:7], date[8:10]
        struct = struct.replace(f"/{y}/{m}/{d}/", "/%year%/%monthnum%/%day%/").replace(f"/{y}/{m}/", "/%year%/%monthnum%/")
    return struct


def infer(bundle: Bundle) -> dict[str, Any]:
    """Settings a REST source reveals."""
    out: dict[str, Any] = {}
    index = bundle.documents.get("index")
    if isinstance(index, dict):
        for key in ("name", "description", "url", "home", "timezone_string"):
            if isinstance(index.get(key), str):
                out[key] = index[key]
        if not index.get("timezone_string") and "gmt_offset" in index:
            out["gmt_offset"] = index["gmt_offset"]
        for key in ("page_on_front", "page_for_posts", "show_on_front", "site_logo", "site_icon"):
            if key in index and index[key] is not None:
                out[key] = index[key]
    _from_settings(bundle.documents.get("settings"), out)
    home, prefix = home_and_prefix(bundle)
    if home:
        out.setdefault("home", home)
        out.setdefault("url", home)
    if prefix:
        out["rest_url_prefix"] = prefix
    home = out.get("home")
    if home:
        _permalinks(bundle, home, out)
    _taxonomies(bundle, out)
    _uploads(bundle, out)
    sticky = [p["id"] for p in bundle.posts if p.get("type") == "post" and p.get("sticky") is True]
    if sticky:
        out["sticky_posts"] = sticky
    _shapes(bundle, out)
    return out


def _from_settings(settings: Any, out: dict[str, Any]) -> None:
    if not isinstance(settings, dict):
        return
    mapping = {"title": "name", "description": "description", "url": "url", "email": "email",
               "timezone": "timezone_string", "date_format": "date_format", "time_format": "time_format",
               "start_of_week": "start_of_week", "language": "locale", "default_category": "default_category",
               "default_post_format": "default_post_format", "posts_per_page": "posts_per_page",
               "show_on_front": "show_on_front", "page_on_front": "page_on_front",
               "page_for_posts": "page_for_posts", "default_ping_status": "default_ping_status",
               "default_comment_status": "default_comment_status", "site_icon": "site_icon",
               "site_logo": "site_logo"}
    for key, name in mapping.items():
        if key in settings and settings[key] is not None:
            out[name] = settings[key]
    if "use_smilies" in settings:
        out["use_smilies"] = 1 if settings["use_smilies"] else 0
    tz = out.get("timezone_string")
    if isinstance(tz, str) and re.fullmatch(r"UTC[+-]\d+(\.\d+)?", tz):
        out["gmt_offset"] = tz[3:]
        out["timezone_string"] = ""


def _permalinks(bundle: Bundle, home: str, out: dict[str, Any]) -> None:
    permastructs: dict[str, str] = {}
    post = _first(bundle.posts, type="post", status="publish")
    if post:
        template = post.get("permalink_template")
        structure: str | None
        if isinstance(template, str) and template.startswith(home):
            structure = template[len(home):]
        else:
            structure = _struct_from_link(post.get("link", ""), home, post.get("slug", ""), "postname",
                                          post.get("date"))
        if structure:
            out["permalink_structure"] = structure
            permastructs["post"] = structure.rstrip("/")
    page = next((p for p in bundle.posts if p.get("type") == "page" and p.get("status") == "publish"
                 and not p.get("parent")), None)
    if page:
        struct = _struct_from_link(page.get("link", ""), home, page.get("slug", ""), "pagename")
        if struct:
            permastructs["page"] = struct.rstrip("/")
    user = next((u for u in bundle.users if u.get("link")), None)
    if user:
        struct = _struct_from_link(user["link"], home, user.get("slug", ""), "author")
        if struct:
            permastructs["author"] = struct.rstrip("/")
    for post_item in bundle.posts:
        author_meta = post_item.get("author_meta")
        if "author" not in permastructs and isinstance(author_meta, dict) and author_meta.get("author_link"):
            path = _path(author_meta["author_link"], home)
            if path:
                permastructs["author"] = re.sub(r"/[^/]+/?$", "/%author%", path)
    seen: set[str] = set()
    for term in bundle.terms:
        tax = term.get("taxonomy")
        if not tax or tax in seen or term.get("parent"):
            continue
        struct = _struct_from_link(term.get("link", ""), home, term.get("slug", ""), tax)
        if struct:
            permastructs[f"taxonomy:{tax}"] = struct.rstrip("/")
            seen.add(tax)
    if permastructs:
        out["permastructs"] = permastructs


def _taxonomies(bundle: Bundle, out: dict[str, Any]) -> None:
    doc = bundle.documents.get("taxonomies")
    entries: list[dict[str, Any]] = []
    if isinstance(doc, dict):
        for name, info in doc.items():
            if not isinstance(info, dict):
                continue
            labels: dict[str, Any] = info["labels"] if isinstance(info.get("labels"), dict) else {}
            entries.append({
                "name": name, "rest_base": info.get("rest_base") or name,
                "hierarchical": bool(info.get("hierarchical")), "object_type": list(info.get("types") or []),
                "label": info.get("name") or name,
                "singular": labels.get("singular_name") or CORE_TAXONOMY_LABELS.get(name, (name, name))[1],
                "description": info.get("description") or "",
                "rest_namespace": info.get("rest_namespace") or "wp/v2",
            })
    else:
        entries = _taxonomies_from_links(bundle)
    if entries:
        out["taxonomies"] = entries
        order = [e["name"] for e in entries if "post" in e["object_type"]]
        if "post_tag" in order:
            order.insert(order.index("post_tag") + 1, "post_format")
        out["post_taxonomies_order"] = order


def _taxonomies_from_links(bundle: Bundle) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    hierarchical = {t.get("taxonomy") for t in bundle.terms if "parent" in t}
    for post in bundle.posts:
        links = post.get("_links")
        if not isinstance(links, dict):
            continue
        for link in links.get("wp:term") or []:
            name = link.get("taxonomy")
            href = link.get("href", "")
            match = re.search(r"/wp/v2/([^/?]+)\?post=", href)
            if not name or not match or name in found:
                continue
            label, singular = CORE_TAXONOMY_LABELS.get(name, (name, name))
            found[name] = {"name": name, "rest_base": match.group(1), "object_type": [post.get("type", "post")],
                           "hierarchical": name == "category" or name in hierarchical,
                           "label": label, "singular": singular}
    return list(found.values())


def _uploads(bundle: Bundle, out: dict[str, Any]) -> None:
    for item in bundle.posts:
        details = item.get("media_details")
        source = item.get("source_url")
        file = details.get("file") if isinstance(details, dict) else None
        if isinstance(file, str) and isinstance(source, str) and source.endswith("/" + file):
            out["uploads"] = {"baseurl": source[: -len(file) - 1]}
            return


def _shapes(bundle: Bundle, out: dict[str, Any]) -> None:
    """Additional REST field order and registered meta per post type; the WordPress version."""
    from .wpjson import CORE_POST_KEYS

    taxonomy_bases = {t["rest_base"] for t in out.get("taxonomies", [])}
    fields: dict[str, list[str]] = {}
    meta: dict[str, list[dict[str, Any]]] = {}
    has_class_list = has_hints = False
    for item in bundle.posts:
        type_name = item.get("type")
        if not isinstance(type_name, str):
            continue
        extra = [k for k in item if k not in CORE_POST_KEYS and k not in taxonomy_bases]
        known = fields.setdefault(type_name, [])
        for name in extra:
            if name not in known:
                known.append(name)
        if isinstance(item.get("meta"), dict):
            keys = meta.setdefault(type_name, [])
            for key, value in item["meta"].items():
                if any(k["key"] == key for k in keys):
                    continue
                for py_type, name, empty in _META_TYPES:
                    if isinstance(value, py_type):
                        keys.append({"key": key, "type": name, "default": empty})
                        break
        has_class_list = has_class_list or "class_list" in item
        href_hints = (item.get("_links") or {}).get("self") or [{}]
        has_hints = has_hints or "targetHints" in (href_hints[0] if isinstance(href_hints[0], dict) else {})
    if fields:
        out["rest_fields"] = fields
    if meta:
        out["registered_meta"] = meta
    _version(bundle, out, class_list=has_class_list, hints=has_hints)
    detected: dict[str, dict[str, Any]] = {}
    every = {name for names in fields.values() for name in names}
    if "blocksy_meta" in every:
        detected["blocksy"] = {}
    if "acf" in every:
        detected["acf"] = {}
    if every & {"tax_additional", "author_meta", "relative_dates"}:
        detected["publishpress_blocks"] = {}
    if any("wp:visual-link-preview/" in str((p.get("content") or {}).get("raw", "")) or
           "vlp-link-container" in str((p.get("content") or {}).get("rendered", "")) for p in bundle.posts):
        detected["visual_link_preview"] = {}
    if detected:
        out["extensions_detected"] = detected


_OLDEST = (6, 1, 0)  # the oldest release Broadsheet reproduces


def _version(bundle: Bundle, out: dict[str, Any], *, class_list: bool, hints: bool) -> None:
    """The WordPress version the source shows (see :mod:`broadsheet.compat`): at least the
    release of every /wp/v2/posts parameter its index lists and of every field its posts carry,
    older than the first parameter it lacks. A field newer than that (a site that backports it,
    as the oracle does) sets ``oracle_backport``."""
    index = bundle.documents.get("index")
    routes = index.get("routes") if isinstance(index, dict) else None
    route = routes.get("/wp/v2/posts") if isinstance(routes, dict) else None
    endpoints = route.get("endpoints") if isinstance(route, dict) else None
    args = endpoints[0].get("args") if isinstance(endpoints, list) and endpoints and isinstance(endpoints[0], dict) else None
    fields = [release for release, seen in ((CLASS_LIST, class_list), (TARGET_HINTS, hints)) if seen]
    if not isinstance(args, dict):  # no index: the fields alone
        if fields:
            out["wp_version"] = _release_text(max(fields))
        return
    lower = max((r for name, r in POSTS_PARAMETERS.items() if name in args), default=_OLDEST)
    upper = min((r for name, r in POSTS_PARAMETERS.items() if name not in args and r > lower), default=None)
    for release in fields:
        if upper is not None and release >= upper:
            out["oracle_backport"] = True
        else:
            lower = max(lower, release)
    out["wp_version"] = _release_text(lower)


def _release_text(release: tuple[int, int, int]) -> str:
    return f"{release[0]}.{release[1]}"
