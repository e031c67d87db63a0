"""Write a realistic WordPress export (WXR 1.2) of a news site, streamed to disk.

Run: ``.venv/bin/python bench/wxr_generate.py OUT.wxr [--posts 100000] [--seed 1]``.

The file looks like what ``export_wp()`` writes for a news archive: authors, a category tree,
thousands of tags, a hierarchical custom taxonomy, and for each article block markup with
paragraphs, headings, lists, quotes and image blocks (an image attachment with PHP-serialized
metadata for most articles, set as featured image), post meta, threaded comments, pingbacks
and held comments. About one article in ten is classic (pre-block) HTML with a ``[caption]``;
a few have CR LF line ends; some comment author URLs carry a bare ``&`` as WordPress writes
them. Statuses mix published, draft, private and pending. Output is deterministic per seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

_WORD_TEXT = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which but "
    "have an they you were her she there been one all we their has would when if so what can more "
    "about said up out them some could into than its time only other new these two may first then "
    "do any like my now over such our man me even most made after also did many before must through "
    "back years where much your way well down should because each just those people how too little "
    "state good very make world still own see men work long get here between both life being under "
    "never day same another know while last might us great old year off come since against go came "
    "right used take three company research energy battery hydrogen startup investment government "
    "minister city council university students climate emissions chip factory engineers software "
    "platform patients hospital market prices growth funding round investors policy regulation data "
    "network sensors robots satellite launch mission laboratory prototype production capacity grid "
    "solar wind offshore electric vehicles charging infrastructure semiconductor wafer lithography "
    "Eindhoven Delft Amsterdam Brussels Munich Zürich café Malmö São Paulo Kraków €40 million"
)
_FIRST_NAMES = "Anna Bram Chen Daan Eva Femke Gijs Hana Ivo Jasper Kim Lotte Milan Noor Olaf Pieter Rosa Sven Tess Umut"
_LAST_NAMES = "de Vries Jansen Bakker Visser Smit Meijer de Boer Mulder Bos Vos Peters Hendriks Dekker Brouwer O'Neill"
WORDS = _WORD_TEXT.split()
FIRST = _FIRST_NAMES.split()
LAST = _LAST_NAMES.split()
UPLOADS = "https://news.example.org/wp-content/uploads"
HOME = "https://news.example.org"


def cdata(text: str) -> str:
    """``wxr_cdata()``: the text in a CDATA section (a literal ``]]>`` split across two)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(tag: str, *children: tuple[str, object]) -> str:
    """One channel element as WordPress's exporter lays it out, a child per line."""
    inner = "".join(f"\t\t<{name}>{value}</{name}>\n" for name, value in children)
    return f"\t<{tag}>\n{inner}\t</{tag}>\n"


def php_string(text: str) -> str:
    return f's:{len(text.encode("utf-8"))}:"{text}";'


class Site:
    """The generated site's fixed parts (authors, terms, random source)."""

    def __init__(self, posts: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.posts = posts
        self.authors = [
            (100 + i, f"author{i}", f"{FIRST[i % 20]} {LAST[(i * 7) % 16]}") for i in range(60)
        ]
        self.categories = self._categories()
        self.tags = [(10000 + i, f"topic-{i}", f"topic {i}") for i in range(max(200, posts // 20))]
        self.locations = [
            (50000 + i, f"place-{i}", f"Place {i}", 50000 + i // 10 if i >= 10 else 0)
            for i in range(120)
        ]
        self.next_comment = 1

    def _categories(self) -> list[tuple[int, str, str, int]]:
        tops = ["Tech", "Energy", "Health", "Mobility", "Space", "Startups", "Policy", "Science"]
        out: list[tuple[int, str, str, int]] = []
        for i, name in enumerate(tops):
            parent_id = 2 + i * 10
            out.append((parent_id, name.lower(), name, 0))
            for j in range(1, 6):
                out.append(
                    (parent_id + j, f"{name.lower()}-{j}", f"{name} &amp; more {j}", parent_id)
                )
        return out

    def sentence(self, words: int) -> str:
        chosen = self.rng.choices(WORDS, k=words)
        text = " ".join(chosen)
        roll = self.rng.random()
        if roll < 0.15:
            text = f'"{text}," a spokesperson said'
        elif roll < 0.25:
            text += f" -- and it's {self.rng.randint(2, 99)}% more"
        elif roll < 0.3:
            text += "..."
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(
            self.sentence(self.rng.randint(8, 22)) for _ in range(self.rng.randint(2, 5))
        )


def header(site: Site) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8" ?>\n'
    yield "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->\n"
    yield '\t<!-- generator="WordPress/6.7.1" created="2025-01-01 00:00" -->\n'
    yield ('<rss version="2.0"\n\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
           '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
           '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
           '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
           '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n\n<channel>\n')  # fmt: skip
    yield f"\t<title>Example News</title>\n\t<link>{HOME}</link>\n\t<description>News from the lab</description>\n"
    yield "\t<pubDate>Wed, 01 Jan 2025 00:00:00 +0000</pubDate>\n\t<language>en-US</language>\n"
    yield f"\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>{HOME}</wp:base_site_url>\n"
    yield f"\t<wp:base_blog_url>{HOME}</wp:base_blog_url>\n\n"
    for uid, login, name in site.authors:
        first, _, last = name.partition(" ")
        yield (f"\t<wp:author><wp:author_id>{uid}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
               f"<wp:author_email>{cdata(login + '@news.example.org')}</wp:author_email>"
               f"<wp:author_display_name>{cdata(name)}</wp:author_display_name>"
               f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
               f"<wp:author_last_name>{cdata(last)}</wp:author_last_name></wp:author>\n")  # fmt: skip
    slugs = {tid: slug for tid, slug, _, _ in site.categories}
    for tid, slug, name, parent in site.categories:
        yield _element("wp:category", ("wp:term_id", tid), ("wp:category_nicename", cdata(slug)),
                       ("wp:category_parent", cdata(slugs.get(parent, ""))), ("wp:cat_name", cdata(name)))
    for tid, slug, name in site.tags:
        yield _element("wp:tag", ("wp:term_id", tid), ("wp:tag_slug", cdata(slug)), ("wp:tag_name", cdata(name)))
    places = {tid: slug for tid, slug, _, _ in site.locations}
    for tid, slug, name, parent in site.locations:
        yield _element("wp:term", ("wp:term_id", tid), ("wp:term_taxonomy", cdata("location")),
                       ("wp:term_slug", cdata(slug)), ("wp:term_parent", cdata(places.get(parent, ""))),
                       ("wp:term_name", cdata(name)))
    yield "\n\t<generator>https://wordpress.org/?v=6.7.1</generator>\n\n"


def block_content(site: Site, image: tuple[int, str] | None) -> str:
    rng = site.rng
    blocks = []
    for index in range(rng.randint(5, 11)):
        roll = rng.random()
        if index and roll < 0.12:
            blocks.append(
                f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{site.sentence(rng.randint(3, 7))[:-1]}</h2>\n<!-- /wp:heading -->'
            )
        elif index and roll < 0.2:
            items = "".join(
                f"<li>{site.sentence(rng.randint(4, 10))}</li>" for _ in range(rng.randint(2, 5))
            )
            blocks.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
        elif index and roll < 0.25:
            blocks.append(
                f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{site.sentence(14)}</p></blockquote>\n<!-- /wp:quote -->'
            )
        else:
            text = site.paragraph()
            if rng.random() < 0.2:
                text += f' Read <a href="{HOME}/en/story-{rng.randint(1, site.posts)}/">the earlier story</a>.'
            blocks.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
        if index == 2 and image is not None:
            iid, stem = image
            blocks.append(
                f'<!-- wp:image {{"id":{iid},"sizeSlug":"large","linkDestination":"none"}} -->\n'
                f'<figure class="wp-block-image size-large"><img src="{UPLOADS}/{stem}-1024x576.jpg" alt="" class="wp-image-{iid}"/>'
                f'<figcaption class="wp-element-caption">{site.sentence(6)}</figcaption></figure>\n<!-- /wp:image -->'
            )
    return "\n\n".join(blocks)


def classic_content(site: Site, image: tuple[int, str] | None) -> str:
    parts = [site.paragraph() for _ in range(site.rng.randint(4, 8))]
    if image is not None:
        iid, stem = image
        parts.insert(1, f'[caption id="attachment_{iid}" align="alignnone" width="300"]<img src="{UPLOADS}/{stem}-300x169.jpg" '
                        f'alt="" width="300" height="169" class="size-medium wp-image-{iid}" /> {site.sentence(5)}[/caption]')  # fmt: skip
    text = "\n\n".join(parts)
    return text.replace("\n", "\r\n") if site.rng.random() < 0.1 else text


def attachment_metadata(stem: str, folder: str) -> str:
    sizes = [
        ("thumbnail", 150, 150),
        ("medium", 300, 169),
        ("medium_large", 768, 432),
        ("large", 1024, 576),
    ]
    body = "".join(
        php_string(name)
        + "a:5:{"
        + php_string("file")
        + php_string(f"{stem}-{w}x{h}.jpg")
        + php_string("width")
        + f"i:{w};"
        + php_string("height")
        + f"i:{h};"
        + php_string("mime-type")
        + php_string("image/jpeg")
        + php_string("filesize")
        + f"i:{w * h // 9};}}"
        for name, w, h in sizes
    )
    return ("a:5:{" + php_string("width") + "i:1600;" + php_string("height") + "i:900;" + php_string("file")
            + php_string(f"{folder}/{stem}.jpg") + php_string("filesize") + "i:204800;" + php_string("sizes")
            + f"a:{len(sizes)}:{{{body}}}}}")  # fmt: skip


def dates(when: datetime) -> tuple[str, str]:
    offset = 2 if 4 <= when.month <= 9 else 1
    return when.strftime("%Y-%m-%d %H:%M:%S"), (when - timedelta(hours=offset)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


def item(fields: dict[str, str], extra: str) -> str:
    lines = [f"\t<item>\n\t\t<title>{cdata(fields['title'])}</title>\n\t\t<link>{fields['link']}</link>\n",
             f"\t\t<pubDate>Mon, 01 Jan 2024 00:00:00 +0000</pubDate>\n\t\t<dc:creator>{cdata(fields['author'])}</dc:creator>\n",
             f'\t\t<guid isPermaLink="false">{fields["guid"]}</guid>\n\t\t<description></description>\n',
             f"\t\t<content:encoded>{cdata(fields['content'])}</content:encoded>\n",
             f"\t\t<excerpt:encoded>{cdata(fields.get('excerpt', ''))}</excerpt:encoded>\n",
             f"\t\t<wp:post_id>{fields['id']}</wp:post_id>\n"]  # fmt: skip
    for name in ("post_date", "post_date_gmt", "post_modified", "post_modified_gmt", "comment_status",
                 "ping_status", "post_name", "status"):  # fmt: skip
        lines.append(f"\t\t<wp:{name}>{cdata(fields[name])}</wp:{name}>\n")
    lines.append(
        f"\t\t<wp:post_parent>{fields.get('parent', '0')}</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n"
    )
    lines.append(f"\t\t<wp:post_type>{cdata(fields['type'])}</wp:post_type>\n")
    lines.append(
        f"\t\t<wp:post_password>{cdata('')}</wp:post_password>\n\t\t<wp:is_sticky>{fields.get('sticky', '0')}</wp:is_sticky>\n"
    )
    return "".join(lines) + extra + "\t</item>\n"


def meta(key: str, value: str) -> str:
    return f"\t\t<wp:postmeta>\n\t\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n\t\t<wp:meta_value>{cdata(value)}</wp:meta_value>\n\t\t</wp:postmeta>\n"


def comments(site: Site, post_id: int, when: datetime) -> str:
    rng = site.rng
    out = []
    ids: list[int] = []
    for _ in range(rng.choices((0, 1, 2, 3, 6), (70, 15, 8, 5, 2))[0]):
        cid = site.next_comment
        site.next_comment += 1
        local, gmt = dates(when + timedelta(hours=rng.randint(1, 200)))
        kind = "pingback" if rng.random() < 0.05 else "comment"
        approved = "0" if rng.random() < 0.05 else "1"
        parent = rng.choice(ids) if ids and rng.random() < 0.3 else 0
        url = (
            ""
            if rng.random() < 0.6
            else f"https://blog.example.net/p?id={cid}&amp;ref=news"
            if rng.random() < 0.5
            else f"https://blog.example.net/p?id={cid}&ref=news"
        )
        name = f"{FIRST[cid % 20]} {LAST[cid % 16]}"
        out.append(
            f"\t\t<wp:comment>\n\t\t\t<wp:comment_id>{cid}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(name)}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(f'reader{cid}@mail.example.net')}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{url}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{cdata('192.0.2.1')}</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(site.paragraph() + ' See https://example.net/more :)')}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{cdata(approved)}</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{cdata(kind)}</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
            "\t\t</wp:comment>\n"
        )  # fmt: skip
        ids.append(cid)
    return "".join(out)


def articles(site: Site) -> Iterator[str]:
    rng = site.rng
    start = datetime(2015, 1, 1, 8, 0, 0)
    span = (datetime(2025, 6, 1) - start).total_seconds()
    next_id = 1000
    for number in range(site.posts):
        post_id = next_id
        next_id += 2 if rng.random() < 0.6 else 1
        when = start + timedelta(seconds=span * number / site.posts + rng.randint(0, 3000))
        local, gmt = dates(when)
        _, login, _ = rng.choice(site.authors)
        image = (post_id + 1, f"photo-{post_id + 1}") if next_id - post_id == 2 else None
        folder = when.strftime("%Y/%m")
        if image is not None:
            iid, stem = image
            yield item(
                {"id": str(iid), "title": f"photo-{iid}", "link": f"{HOME}/?attachment_id={iid}", "author": login,
                 "guid": f"{UPLOADS}/{folder}/{stem}.jpg", "content": "", "excerpt": site.sentence(6),
                 "post_date": local, "post_date_gmt": gmt, "post_modified": local, "post_modified_gmt": gmt,
                 "comment_status": "open", "ping_status": "closed", "post_name": stem, "status": "inherit",
                 "parent": str(post_id), "type": "attachment"},
                f"\t\t<wp:attachment_url>{cdata(f'{UPLOADS}/{folder}/{stem}.jpg')}</wp:attachment_url>\n"
                + meta("_wp_attached_file", f"{folder}/{stem}.jpg")
                + meta("_wp_attachment_metadata", attachment_metadata(stem, folder))
                + meta("_wp_attachment_image_alt", site.sentence(5)),
            )  # fmt: skip
        classic = rng.random() < 0.1
        content = classic_content(site, image) if classic else block_content(site, image)
        status = rng.choices(("publish", "draft", "private", "pending"), (96, 2, 1, 1))[0]
        title = site.sentence(rng.randint(5, 11))[:-1].replace('"', "'")
        if rng.random() < 0.1:
            title = f"{title} & {rng.choice(WORDS)}"
        slug = f"story-{number + 1}"
        cats = rng.sample(site.categories, rng.randint(1, 2))
        tags = rng.sample(site.tags, rng.randint(2, 6))
        place = rng.choice(site.locations)
        terms = "".join(
            f'\t\t<category domain="category" nicename="{c[1]}">{cdata(c[2])}</category>\n'
            for c in cats
        )
        terms += "".join(
            f'\t\t<category domain="post_tag" nicename="{t[1]}">{cdata(t[2])}</category>\n'
            for t in tags
        )
        terms += (
            f'\t\t<category domain="location" nicename="{place[1]}">{cdata(place[2])}</category>\n'
        )
        extra = terms + meta("_edit_last", "100") + meta("subtitle", site.sentence(12))
        if image is not None:
            extra += meta("_thumbnail_id", str(image[0]))
        if rng.random() < 0.05:
            extra += meta("_wp_old_slug", f"old-story-{number + 1}")
        extra += comments(site, post_id, when)
        draft = status in ("draft", "pending")
        yield item(
            {"id": str(post_id), "title": title, "link": f"{HOME}/en/{slug}/", "author": login,
             "guid": f"{HOME}/?p={post_id}", "content": content, "excerpt": "",
             "post_date": local, "post_date_gmt": "0000-00-00 00:00:00" if draft else gmt,
             "post_modified": local, "post_modified_gmt": "0000-00-00 00:00:00" if draft else gmt,
             "comment_status": "open", "ping_status": "open", "post_name": "" if draft else slug,
             "status": status, "type": "post", "sticky": "1" if number % 20000 == 7 else "0"},
            extra,
        )  # fmt: skip


def generate(out: Path, posts: int, seed: int) -> int:
    """Write the export; returns its size in bytes."""
    site = Site(posts, seed)
    with open(out, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
        for part in header(site):
            handle.write(part)
        for part in articles(site):
            handle.write(part)
        handle.write("</channel>\n</rss>\n")
    return out.stat().st_size


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    size = generate(args.out, args.posts, args.seed)
    print(f"wrote {args.out}: {args.posts:,} articles, {size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
