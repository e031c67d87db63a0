"""Where REST JSON comes from: a file, a dump folder, or a live site crawled over HTTP.

Every source is read completely and checked before anything is written, so a truncated file,
a malformed document or a site that stops answering halfway leaves the database untouched.
What is read goes to disk object by object (:class:`~.spool.Spool`), so memory holds one file
of a dump or one page of a crawl at a time, not the whole source.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from .spool import Spool
from .wpjson import AFTER_BLOCKS_KEY, ImportError_, kind_of

DOCUMENTS = ("index", "settings", "types", "taxonomies", "statuses")
MAX_PAGES = 100000
COLLECTION_PAGE = 100  # items per collection request (WordPress's maximum)
_COLLECT_EVERY = 10  # pages of a collection between two collections of garbage


@dataclass
class Bundle:
    """Everything one source provided: its documents, and its objects by kind, in the order
    they came (on disk: iterate them, as often as needed)."""

    name: str
    documents: dict[str, Any] = field(default_factory=dict)
    posts: Spool = field(default_factory=Spool)  # every post type, revisions included
    terms: Spool = field(default_factory=Spool)
    users: Spool = field(default_factory=Spool)
    comments: Spool = field(default_factory=Spool)
    authenticated: bool = False

    def add(self, item: Any, origin: str) -> None:
        """File an object under its kind."""
        if not isinstance(item, dict):
            raise ImportError_(f"{origin}: expected JSON objects, found {type(item).__name__}")
        kind = kind_of(item)
        {"post": self.posts, "term": self.terms, "user": self.users, "comment": self.comments}[kind].append(item)

    def close(self) -> None:
        """Drop the objects read (their files on disk)."""
        for spool in (self.posts, self.terms, self.users, self.comments):
            spool.close()


# What a JSON document nested past the depth Python's parser reaches is (WordPress's own
# json_encode stops at 512 levels).
TOO_DEEP = "JSON nested too deeply to read (WordPress never writes more than 512 levels)"


def load_json(path: Path) -> Any:
    """A JSON file's value; an unreadable, malformed or too deeply nested file is an import
    error naming it."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportError_(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ImportError_(f"{path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ImportError_(f"{path}: {TOO_DEEP}") from exc


def from_file(path: Path) -> Bundle:
    """One JSON file holding a REST object or an array of them."""
    data = load_json(path)
    items = data if isinstance(data, list) else [data]
    with _closed_on_error(Bundle(str(path))) as bundle:
        for item in items:
            bundle.add(item, str(path))
    return bundle


def from_folder(path: Path) -> Bundle:
    """A dump folder (see docs/importing.md): documents plus one array file per collection."""
    files = sorted(p for p in path.glob("*.json") if p.is_file())
    if not files:
        raise ImportError_(f"{path}: no .json files in this folder")
    with _closed_on_error(Bundle(str(path), authenticated=True)) as bundle:
        for file in files:
            name = file.stem
            data = load_json(file)
            if name in DOCUMENTS:
                bundle.documents[name] = data
                continue
            if not isinstance(data, list):
                raise ImportError_(f"{file}: expected a JSON array of objects")
            for item in data:
                bundle.add(item, str(file))
            del data  # one file's objects in memory at a time
    return bundle


@contextlib.contextmanager
def _closed_on_error(bundle: Bundle) -> Iterator[Bundle]:
    try:
        yield bundle
    except BaseException:
        bundle.close()
        raise


def load_path(source: str) -> Bundle:
    """A file or folder source."""
    path = Path(source)
    if path.is_dir():
        return from_folder(path)
    if path.is_file():
        return from_file(path)
    raise ImportError_(f"{source}: no such file or folder")


# ---------------------------------------------------------------------------------------------
# Live sites


def _parsed(response: httpx.Response, what: str) -> Any:
    """An answer's JSON; one that is not JSON, or too deeply nested, is an import error."""
    try:
        return response.json()
    except ValueError as exc:
        raise ImportError_(f"{what} is not JSON") from exc
    except RecursionError as exc:
        raise ImportError_(f"{what}: {TOO_DEEP}") from exc


class Crawler:
    """Reads a WordPress site's REST API page by page (anonymous, or with an application password)."""

    def __init__(self, base: str, *, auth: str | None = None, client: httpx.Client | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.base = base.rstrip("/")
        self.client = client or httpx.Client(timeout=30.0, follow_redirects=False)
        self.headers = {"Accept": "application/json", "User-Agent": "Broadsheet importer"}
        if auth:
            self.headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
        self.authenticated = bool(auth)
        self.progress = progress or (lambda message: None)
        self.root = f"{self.base}/wp-json"

    def get(self, route: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET a route; a non-2xx answer is an import error (a transport failure raises
        httpx's error, which names the request)."""
        url = f"{self.root}{route}"
        if params:
            url += "?" + urlencode(params)
        response = self.client.get(url, headers=self.headers)  # a transport failure is the CLI's to explain
        if response.status_code >= 300:
            detail = ""
            with contextlib.suppress(ValueError, AttributeError):  # not a WordPress error
                detail = f" ({response.json().get('code')})"
            raise ImportError_(f"{url}: HTTP {response.status_code}{detail}")
        return response

    def json(self, route: str, params: dict[str, Any] | None = None) -> Any:
        """GET a route and parse its JSON body."""
        return _parsed(self.get(route, params), f"{self.root}{route}: the answer")

    def collection(self, route: str, params: dict[str, Any]) -> Iterator[list[Any]]:
        """Every item of a paginated collection, page by page (totals checked between pages)."""
        seen = 0
        total_pages = None
        total = None
        page = 1
        while True:
            response = self.get(route, {**params, "per_page": COLLECTION_PAGE, "page": page})
            batch = _parsed(response, f"{self.root}{route}: page {page}")
            if not isinstance(batch, list):
                raise ImportError_(f"{self.root}{route}: page {page} is not a list")
            pages = response.headers.get("X-WP-TotalPages")
            count = response.headers.get("X-WP-Total")
            if pages is None or count is None:
                raise ImportError_(f"{self.root}{route}: missing X-WP-Total/X-WP-TotalPages headers")
            if total_pages is None:
                total_pages, total = int(pages), int(count)
            elif (int(pages), int(count)) != (total_pages, total):
                raise ImportError_(f"{self.root}{route}: the collection changed during the crawl")
            seen += len(batch)
            del response
            if page % _COLLECT_EVERY == 0:
                # An httpx response sits in a reference cycle (it and its stream), so the pages
                # read would pile up until Python's rarest collection ran.
                gc.collect()
            yield batch
            self.progress(f"{route}: {seen}/{total}")
            if page >= (total_pages or 0) or page >= MAX_PAGES:
                break
            page += 1
        if total is not None and seen != total and not route.endswith("/comments"):
            raise ImportError_(f"{self.root}{route}: got {seen} items, expected {total}")

    def items(self, route: str, params: dict[str, Any]) -> Iterator[Any]:
        """Every item of a paginated collection, one by one."""
        for batch in self.collection(route, params):
            yield from batch

    def single_renderings(self, base: str, items: list[Any]) -> None:
        """Give classic posts that a collection page listed after block content their single
        rendering too.

        In one WordPress request, once block content has been rendered, classic content is
        autop-ed after ``shortcode_unautop`` (docs/rendering.md): the collection showed such a
        post as it appears in collections, and a GET of the post alone shows it otherwise. Each
        page of 100 was one request; the raw markup tells which posts came after block content.
        The collection's HTML is kept as ``content.rendered_after_blocks``.
        """
        for start in range(0, len(items), COLLECTION_PAGE):
            blocks_seen = False
            for item in items[start : start + COLLECTION_PAGE]:
                content = item.get("content") if isinstance(item, dict) else None
                if not isinstance(content, dict) or not isinstance(content.get("raw"), str):
                    continue
                raw = content["raw"]
                if "<!-- wp:" in raw:
                    blocks_seen = True
                elif blocks_seen and "[" in raw and isinstance(item.get("id"), int):
                    single = self.json(f"/wp/v2/{base}/{item['id']}", {"context": "edit"})
                    alone = single.get("content") if isinstance(single, dict) else None
                    rendered = alone.get("rendered") if isinstance(alone, dict) else None
                    if isinstance(rendered, str) and rendered != content.get("rendered"):
                        content[AFTER_BLOCKS_KEY] = content.get("rendered")
                        content["rendered"] = rendered

    def crawl(self) -> Bundle:
        """The whole site, as the dump format describes."""
        with _closed_on_error(Bundle(self.base, authenticated=self.authenticated)) as bundle:
            self._crawl(bundle)
        return bundle

    def _crawl(self, bundle: Bundle) -> None:
        try:
            bundle.documents["index"] = self.json("/")
        except ImportError_ as first:
            self.root = f"{self.base}/?rest_route="  # pretty permalinks off
            try:
                bundle.documents["index"] = self.json("/")
            except ImportError_:
                raise first from None  # what /wp-json/ said is the news
        edit = {"context": "edit"} if self.authenticated else {}
        if self.authenticated:
            me = self.json("/wp/v2/users/me", {"context": "edit"})
            if "administrator" not in (me.get("roles") or []):
                raise ImportError_("the --auth user is not an administrator of the site")
            bundle.documents["settings"] = self.json("/wp/v2/settings")
        bundle.documents["types"] = self.json("/wp/v2/types", edit)
        bundle.documents["taxonomies"] = self.json("/wp/v2/taxonomies", edit)
        types = bundle.documents["types"] if isinstance(bundle.documents["types"], dict) else {}
        for name in ("post", "page", "attachment"):
            info = types.get(name)
            if not isinstance(info, dict):
                continue
            base = info.get("rest_base") or name
            params = {"orderby": "id", "order": "asc", **edit}
            if self.authenticated:
                params["status"] = "inherit,private,trash" if name == "attachment" else (
                    "publish,future,draft,pending,private,trash")
            for page in self.collection(f"/wp/v2/{base}", params):
                if self.authenticated and name != "attachment":
                    self.single_renderings(base, page)  # one page was one request
                for item in page:
                    bundle.add(item, f"/wp/v2/{base}")
        for item in self.items("/wp/v2/users", {"orderby": "id", "order": "asc", **edit}):
            bundle.add(item, "/wp/v2/users")
        comment_params = {"orderby": "id", "order": "asc", **edit}
        if self.authenticated:
            comment_params.update({"status": "any", "type": "all"})
        for item in self.items("/wp/v2/comments", comment_params):
            bundle.add(item, "/wp/v2/comments")
        taxonomies = bundle.documents["taxonomies"] if isinstance(bundle.documents["taxonomies"], dict) else {}
        for info in taxonomies.values():
            if not isinstance(info, dict) or not set(info.get("types") or []) & {"post", "page", "attachment"}:
                continue
            base = info.get("rest_base") or info.get("slug")
            for item in self.items(f"/wp/v2/{base}", {"orderby": "id", "order": "asc", "hide_empty": "false",
                                                      **edit}):
                bundle.add(item, f"/wp/v2/{base}")
        if self.authenticated:
            # The posts read so far (the revisions added meanwhile are not visited).
            for parent in bundle.posts:
                if parent.get("type") not in ("post", "page"):
                    continue
                base = (types.get(parent["type"]) or {}).get("rest_base") or parent["type"]
                for item in self.items(f"/wp/v2/{base}/{parent['id']}/revisions",
                                       {"orderby": "id", "order": "asc", "context": "edit"}):
                    bundle.add(item, "revisions")
