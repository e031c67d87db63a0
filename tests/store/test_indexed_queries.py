"""Index-backed queries give exactly the answers of the plain ones.

Search finds its candidates through an index (SQLite: the FTS5 trigram table; PostgreSQL: the
pg_trgm GIN indexes, forced into use here) and must still return what WordPress's LIKE tests
return: every post is compared with a brute-force evaluation in Python over a generated corpus
with accents, case, short terms, negation, quoted phrases and LIKE's special characters, after
inserts, replacements, re-rendered keys and deletions. Kept term counts must equal counting the
relationships, and migration 0003 must upgrade a database created by the older migrations.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from importlib import resources

import pytest

from broadsheet.db import Database, connect
from broadsheet.store import derived, search_index, writer
from broadsheet.store import posts as post_store
from broadsheet.store import terms as term_store
from broadsheet.store.collation import fold
from broadsheet.store.models import Post, Term

WORDS = [
    "hydrogen", "Hydrogène", "HYDROGEN", "café", "Cafe", "naïve", "Straße", "strasse", "ai", "AI",
    "5g", "über", "résumé", "Œuvre", "wind", "solar", "energy", "transition", "grid", "x",
    "100%", "under_score", 'say "hi"', "back\\slash", "the", "Zürich", "zurich", "ﬁnal", "é",
    "sol", "ener", "rid", "ha", "na", "in",
]

SEARCHES = [
    "hydrogen", "hydrogène", "HYDROGEN", "cafe", "café", "naive", "strasse", "straße", "ss",
    "ai", "5g", "5", "é", "e", "x", "in", "-wind", "-wind solar", "solar -wind", '"wind solar"',
    '"solar wind" -cafe', '"ai"', "%", "_", "100%", "under_score", "\\", "back\\slash", '"hi"',
    "über energy", "uber", "oeuvre", "final", "zurich grid", "no-such-thing", "-no-such-thing",
    "a b c d e f g h i j k", "sol ener", "rid", "ha na", "-ha -na", "grid -ai -5g",
    "hydrogen energy transition", "“wind”", "the",
]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _post(rng: random.Random, pid: int) -> Post:
    day = f"2021-{1 + pid % 12:02d}-{1 + pid % 28:02d} {pid % 24:02d}:00:00"
    return Post(
        pid, "post", "publish" if pid % 7 else "draft", day, day, day, day,
        slug=f"p{pid}", author=pid % 4, comment_count=pid % 3, parent=pid % 5, title_raw=_text(rng, 3), excerpt_raw=_text(rng, 2) if pid % 3 else "",
        content_raw=_text(rng, 12),
    )


@pytest.fixture
def corpus(database_url: str) -> Iterator[tuple[Database, dict[int, Post]]]:
    """300 generated posts written through every writer path that touches search keys."""
    rng = random.Random(7)
    db = connect(database_url)
    stored: dict[int, Post] = {}
    with db.transaction():
        first = [_post(rng, pid) for pid in range(1, 201)]
        writer.insert_posts(db, first)
        stored.update((p.id, p) for p in first)
        # keys stored later (the WXR import's render pass)
        later = [_post(rng, pid) for pid in range(201, 301)]
        writer.insert_posts(db, later, keys=False)
        for p in later:
            p.rendered_by = "pending"
        db.execute("UPDATE posts SET rendered_by = 'pending' WHERE id > 200")
        keys = [(p.id, "", "", "", None, *writer.post_keys(p), p.modified_gmt, p.modified) for p in later]
        writer.store_rendering(db, keys)
        stored.update((p.id, p) for p in later)
        # replaced by a newer copy, and deleted
        for pid in (5, 6, 250):
            newer = _post(rng, pid)
            newer.modified = newer.modified_gmt = "2030-01-01 00:00:00"
            assert writer.upsert_post(db, newer)
            stored[pid] = newer
        writer.delete_by_ids(db, "posts", [7, 8, 260])
        for pid in (7, 8, 260):
            del stored[pid]
    try:
        yield db, stored
    finally:
        db.close()


def _matches(post: Post, terms: list[str]) -> bool:
    columns = [fold(post.title_raw), fold(post.excerpt_raw), fold(post.content_raw)]
    for term in terms:
        negate = term.startswith("-")
        found = any(fold(term[1:] if negate else term) in column for column in columns)
        if found == negate:
            return False
    return True


def _forcing_indexes(db: Database) -> None:
    if db.dialect.name == "postgresql":
        db.execute("SET enable_seqscan = off")  # the GIN indexes, whenever they can serve


@pytest.mark.parametrize("search", SEARCHES)
def test_search_through_the_index_matches_brute_force(
    corpus: tuple[Database, dict[int, Post]], search: str
) -> None:
    db, stored = corpus
    _forcing_indexes(db)
    terms = post_store.parse_search_terms(search)
    published = [p for p in stored.values() if p.status == "publish"]
    expected = sorted((p for p in published if _matches(p, terms)), key=lambda p: (p.date, p.id), reverse=True)
    got = post_store.query(db, post_store.PostQuery(types=["post"], search=search, limit=None))
    assert got.ids == [p.id for p in expected]
    assert got.total == len(expected)
    page = post_store.query(db, post_store.PostQuery(types=["post"], search=search, limit=5, offset=3))
    assert page.ids == [p.id for p in expected][3:8]


@pytest.mark.parametrize("search", ["hydrogen energy", "wind solar grid", '"wind solar" ai', "cafe -ai"])
def test_relevance_order_is_the_same_with_and_without_the_index(
    corpus: tuple[Database, dict[int, Post]], search: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = corpus
    _forcing_indexes(db)
    q = post_store.PostQuery(types=["post"], search=search, orderby="relevance", limit=None)
    indexed = post_store.query(db, q)
    monkeypatch.setattr(search_index, "candidates_sql", lambda db, term: None)
    plain = post_store.query(db, q)
    assert indexed.ids == plain.ids and indexed.total == plain.total
    assert indexed.ids  # the searches find something, so the comparison means something


def test_the_index_holds_exactly_the_posts_keys_after_every_kind_of_write(
    corpus: tuple[Database, dict[int, Post]],
) -> None:
    db, _ = corpus
    search_index.check(db)  # SQLite's integrity check against the posts (no-op on PostgreSQL)
    if db.dialect.name == "sqlite":
        # and the check would notice an index out of step
        db.execute("UPDATE posts SET content_key = 'zzz' WHERE id = 1")
        with pytest.raises(Exception, match="malformed|corrupt"):
            search_index.check(db)
        search_index.rebuild(db)
        search_index.check(db)


def test_kept_term_counts_equal_counting_published_posts(database_url: str) -> None:
    db = connect(database_url)
    try:
        with db.transaction():
            writer.upsert_terms(db, [Term(i, "post_tag", f"T{i}", f"t{i}") for i in range(1, 6)])
            day = "2022-01-01 00:00:00"
            writer.insert_posts(db, [
                Post(pid, "post", status, day, day, day, day, slug=f"p{pid}")
                for pid, status in ((1, "publish"), (2, "publish"), (3, "draft"), (4, "publish"))
            ])  # fmt: skip
            writer.replace_posts_terms(db, {1: [1, 2], 2: [1], 3: [1, 3], 4: [4]})
            derived.refresh(db)
        assert {t.id: t.count for t in term_store.query(db, term_store.TermQuery("post_tag", limit=None))[0]} == {
            1: 2, 2: 1, 3: 0, 4: 1, 5: 0}
        with db.transaction():  # a post unpublished, a relationship gone: counts follow
            db.execute("UPDATE posts SET status = 'draft' WHERE id = 2")
            writer.replace_posts_terms(db, {4: []})
            derived.refresh(db)
        found, total = term_store.query(db, term_store.TermQuery("post_tag", hide_empty=True, limit=None))
        assert [(t.id, t.count) for t in found] == [(1, 1), (2, 1)] and total == 2
        ordered, _ = term_store.query(db, term_store.TermQuery("post_tag", orderby="count", order="DESC", limit=3))
        assert [t.id for t in ordered] == [1, 2, 3]
        assert term_store.get(db, 1).count == 1  # type: ignore[union-attr]
        assert [t.count for t in term_store.for_posts(db, [1])[1]] == [1, 1]
    finally:
        db.close()


def _old_schema(db: Database) -> None:
    """Create the schema as migrations 0001 and 0002 left it (before this issue)."""
    folder = resources.files("broadsheet.db") / "migrations" / db.dialect.name
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    for number, name in ((1, "initial"), (2, "content_after_blocks")):
        text = (folder / f"{number:04d}_{name}.sql").read_text("utf-8")
        lines = [line.split("--", 1)[0] for line in text.splitlines()]
        for statement in "\n".join(lines).split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (number, name))


def test_migration_0003_upgrades_a_database_with_content_in_place(database_url: str) -> None:
    db = connect(database_url, migrate=False)
    try:
        _old_schema(db)
        day = "2023-05-01 10:00:00"
        for pid, title, status in ((1, "Hydrogène à Zürich", "publish"), (2, "Solar wind", "publish"),
                                   (3, "hydrogen draft", "draft")):
            db.execute(
                "INSERT INTO posts (id, type, status, date, date_gmt, modified, modified_gmt, title_raw,"
                " title_key) VALUES (?, 'post', ?, ?, ?, ?, ?, ?, ?)",
                (pid, status, day, day, day, day, title, fold(title)),
            )
        db.execute("INSERT INTO terms (id, taxonomy, name, slug, name_key) VALUES (9, 'category', 'C', 'c', 'c')")
        for pid in (1, 2, 3):
            db.execute("INSERT INTO term_relationships (post_id, term_id) VALUES (?, 9)", (pid,))
        assert 3 in db.migrate()
        _forcing_indexes(db)
        for search, expected in (("hydrogene", [1]), ("ZURICH", [1]), ("wind", [2]), ("-zurich", [2]),
                                 ("Ü", [1])):
            assert post_store.query(db, post_store.PostQuery(types=["post"], search=search)).ids == expected
        assert term_store.get(db, 9).count == 2  # type: ignore[union-attr]
        search_index.check(db)
        with db.transaction():  # and the upgraded index is kept in step by the writer
            writer.delete_by_ids(db, "posts", [1])
        assert post_store.query(db, post_store.PostQuery(types=["post"], search="hydrogene")).ids == []
        search_index.check(db)
    finally:
        db.close()


@pytest.mark.parametrize("orderby", ["date", "modified", "title", "slug", "author", "comment_count", "id", "parent"])
def test_deep_pages_started_from_anchors_are_the_pages_offset_gives(
    corpus: tuple[Database, dict[int, Post]], orderby: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = corpus
    monkeypatch.setattr(post_store, "ANCHOR_STEP", 7)
    memo: dict[object, object] = {}

    def remember(key: object, compute: Callable[[], object]) -> object:
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    for order in ("ASC", "DESC"):
        for search in (None, "ai"):
            for offset in (0, 6, 7, 8, 50, 139, 140, 141, 255, 256, 400):
                q = post_store.PostQuery(types=["post"], orderby=orderby, order=order, search=search,
                                         limit=9, offset=offset)
                assert post_store.query(db, q, remember).ids == post_store.query(db, q).ids, (order, search, offset)
    assert any(key[0] == "anchors" for key in memo)  # type: ignore[index]


@pytest.mark.parametrize("operator", ["IN", "AND", "NOT IN"])
def test_taxonomy_filters_give_the_same_pages_whichever_way_they_are_walked(
    corpus: tuple[Database, dict[int, Post]], operator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, stored = corpus
    with db.transaction():
        writer.upsert_terms(db, [Term(i, "category", f"C{i}", f"c{i}") for i in (1, 2, 3)])
        writer.replace_posts_terms(db, {pid: [t for t in (1, 2, 3) if pid % (t + 1) == 0] for pid in stored})
        derived.refresh(db)
    carrying = {pid for pid in stored if stored[pid].status == "publish"}
    expected_sets = {"IN": {p for p in carrying if p % 2 == 0 or p % 3 == 0},
                     "AND": {p for p in carrying if p % 2 == 0 and p % 3 == 0},
                     "NOT IN": {p for p in carrying if p % 2 and p % 3}}
    expected = sorted(expected_sets[operator], key=lambda p: (stored[p].date, p), reverse=True)
    for walk_from in (0, 10**9):  # walking the date index, or starting from the terms' posts
        monkeypatch.setattr(post_store, "_WALK_FROM", walk_from)
        for offset in (0, 10, 95):
            q = post_store.PostQuery(types=["post"], tax=[post_store.TaxClause("category", [1, 2], operator)],
                                     limit=10, offset=offset)
            got = post_store.query(db, q)
            assert got.ids == expected[offset:offset + 10] and got.total == len(expected)
