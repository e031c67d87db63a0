"""Image tags in content: wp_filter_content_tags, srcset/sizes and attachment images.

Mirrors upstream tests/phpunit/tests/media.php (srcset/sizes, width/height, loading, decoding,
fetchpriority, iframes) by behaviour. tests/fixtures/render/images/content_tags.json holds the
output of WordPress's own ``wp_filter_content_tags`` for 6.1.9 (the oracle), 6.3, 6.4,
6.7, 6.8 and 7.0 over the attachments in tests/fixtures/render/media/attachments.json (see
tests/fixtures/render/wp_harness/README.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from broadsheet.render.context import Attachment, ImageSize, RenderOptions, StaticContext
from broadsheet.render.images import (
    attachment_image,
    attachment_image_src,
    calculate_image_srcset,
    constrain_dimensions,
    filter_content_tags,
    render_state,
)
from broadsheet.render.texturize import wptexturize

FIXTURES = Path(__file__).parent.parent / "fixtures" / "render"
ATTACHMENTS = json.loads((FIXTURES / "media" / "attachments.json").read_text(encoding="utf-8"))
TAG_CASES = json.loads((FIXTURES / "images" / "content_tags.json").read_text(encoding="utf-8"))
POST_12 = json.loads((FIXTURES / "images" / "oracle_post_12.json").read_text(encoding="utf-8"))
UPLOADS = "http://127.0.0.1:8081/archive/wp-content/uploads"
SKY = f"{UPLOADS}/2023/05/eindhoven-skyline"


@dataclass
class ThemeOptions(RenderOptions):
    """RenderOptions plus the theme settings images and shortcodes read when present."""

    content_width: int = 0


def attachment(data: dict[str, Any]) -> Attachment:
    sizes = tuple(
        ImageSize(s["name"], s["file"], s["width"], s["height"], s["mime_type"])
        for s in data["sizes"]
    )
    return Attachment(
        id=data["id"], url=data["url"], file=data["file"], mime_type=data["mime_type"],
        width=data["width"], height=data["height"], sizes=sizes, alt=data["alt"],
        caption=data["caption"], title=data["title"], link=data["link"],
    )  # fmt: skip


def context(version: str = "6.1", content_width: int = 0) -> StaticContext:
    options = ThemeOptions(
        home="http://127.0.0.1:8081/archive", uploads_baseurl=UPLOADS, wp_version=version,
        content_width=content_width,
    )  # fmt: skip
    return StaticContext(options, attachments=[attachment(a) for a in ATTACHMENTS])


@pytest.mark.parametrize("case", TAG_CASES, ids=[f"{c['name']}@{c['version']}" for c in TAG_CASES])
def test_filter_content_tags_matches_wordpress_output(case: dict[str, Any]) -> None:
    ctx = context(case["version"])
    assert filter_content_tags(case["input"], ctx, wp_version=case["version"]) == case["expected"]


def test_block_image_of_oracle_post_12_renders_like_wordpress_6_1() -> None:
    figure = wptexturize(POST_12["figure_raw"])
    assert filter_content_tags(figure, context(), wp_version="6.1") == POST_12["figure_rendered"]


def test_default_version_adds_decoding_before_loading_like_the_oracle() -> None:
    html = f'<img src="{SKY}-300x169.jpg" width="300" height="169" alt="" />'
    out = filter_content_tags(html, context())
    assert out.startswith(f'<img decoding="async" loading="lazy" src="{SKY}-300x169.jpg"')


def test_wordpress_6_4_inserts_loading_before_decoding() -> None:
    html = '<img src="http://x.test/a.jpg" width="10" height="10">'
    out = filter_content_tags(html, context("6.4"), wp_version="6.4")
    assert (
        out
        == '<img loading="lazy" decoding="async" src="http://x.test/a.jpg" width="10" height="10">'
    )


def test_version_defaults_to_the_sites_declared_version() -> None:
    html = '<img src="http://x.test/a.jpg" width="10" height="10">'
    assert filter_content_tags(html, context("6.4")).startswith('<img loading="lazy" decoding=')
    assert filter_content_tags(html, context("6.1")).startswith('<img decoding="async" loading=')
    ctx = context("6.8")
    sky = ctx.attachment(4)
    assert sky is not None
    assert attachment_image(sky, "thumbnail", ctx) == attachment_image(
        sky, "thumbnail", ctx, wp_version="6.8"
    )
    assert 'loading="lazy"' not in attachment_image(sky, "thumbnail", ctx)


def test_wordpress_6_7_prefixes_sizes_with_auto_on_lazy_images() -> None:
    html = f'<img src="{SKY}-300x169.jpg" width="300" height="169" class="wp-image-4" />'
    assert 'sizes="(max-width: 300px) 100vw, 300px"' in filter_content_tags(
        html, context(), wp_version="6.6"
    )
    assert 'sizes="auto, (max-width: 300px) 100vw, 300px"' in filter_content_tags(
        html, context(), wp_version="6.7"
    )


def test_missing_dimensions_come_from_the_rendition_file() -> None:
    html = f'<img src="{SKY}-1024x576.jpg" class="wp-image-4">'
    assert (
        '<img decoding="async" loading="lazy" width="1024" height="576" src='
        in filter_content_tags(html, context())
    )


def test_image_without_attachment_class_gets_no_srcset() -> None:
    html = f'<img src="{SKY}-300x169.jpg" width="300" height="169">'
    assert "srcset" not in filter_content_tags(html, context(), wp_version="6.8")


def test_first_large_eager_image_of_a_request_gets_high_fetchpriority_once() -> None:
    html = f'<img loading="eager" src="{SKY}-1024x576.jpg" width="1024" height="576">'
    ctx = context("6.8")
    assert filter_content_tags(html, ctx, wp_version="6.8").startswith('<img fetchpriority="high" ')
    assert "fetchpriority" not in filter_content_tags(html, ctx, wp_version="6.8")
    assert render_state(ctx).high_priority_available is False
    assert filter_content_tags(html, context("6.8"), wp_version="6.8").startswith(
        '<img fetchpriority="high" '
    )


def test_iframes_with_dimensions_are_lazy_loaded() -> None:
    html = '<iframe src="https://x.test/e" width="560" height="315"></iframe><iframe src="https://x.test/f"></iframe>'
    out = filter_content_tags(html, context())
    assert (
        out
        == '<iframe loading="lazy" src="https://x.test/e" width="560" height="315"></iframe><iframe src="https://x.test/f"></iframe>'
    )


def test_content_without_images_is_returned_unchanged() -> None:
    html = "<p>No images, just text about img tags.</p>"
    assert filter_content_tags(html, context()) is html


def test_srcset_puts_the_source_first_then_metadata_order_with_same_ratio_only() -> None:
    sky = attachment(next(a for a in ATTACHMENTS if a["id"] == 4))
    srcset = calculate_image_srcset((1024, 576), f"{SKY}-1024x576.jpg", sky, UPLOADS)
    assert srcset is not None
    widths = [entry.rsplit(" ", 1)[1] for entry in srcset.split(", ")]
    assert widths == [
        "1024w",
        "300w",
        "768w",
        "1536w",
        "1568w",
        "1600w",
    ]  # 150x150 has another ratio


def test_srcset_needs_a_matching_source_and_two_candidates() -> None:
    sky = attachment(next(a for a in ATTACHMENTS if a["id"] == 4))
    assert (
        calculate_image_srcset((300, 169), "http://elsewhere.test/other.jpg", sky, UPLOADS) is None
    )
    single = Attachment(4, f"{SKY}.jpg", "2023/05/eindhoven-skyline.jpg", "image/jpeg", 1600, 900,
                        (ImageSize("thumbnail", "eindhoven-skyline-150x150.jpg", 150, 150, "image/jpeg"),))  # fmt: skip
    assert calculate_image_srcset((1600, 900), f"{SKY}.jpg", single, UPLOADS) is None


def test_srcset_leaves_out_files_wider_than_2048_pixels() -> None:
    huge = attachment(next(a for a in ATTACHMENTS if a["id"] == 105))
    srcset = calculate_image_srcset(
        (1024, 683), f"{UPLOADS}/2022/05/huge-1024x683.jpg", huge, UPLOADS
    )
    assert srcset is not None and "2048w" in srcset
    assert "2560w" not in srcset and "3000w" not in srcset


@pytest.mark.parametrize(
    ("size", "box", "expected"),
    [
        ((1600, 900), (300, 300), (300, 169)),
        ((1200, 675), (150, 150), (150, 84)),
        ((600, 900), (300, 300), (200, 300)),
        ((100, 50), (300, 300), (100, 50)),
        ((100, 50), (0, 0), (100, 50)),
        ((1600, 900), (768, 0), (768, 432)),
        ((3, 2000), (300, 300), (1, 300)),
    ],
)
def test_constrain_dimensions_keeps_the_aspect_ratio_inside_the_box(
    size: tuple[int, int], box: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert constrain_dimensions(*size, *box) == expected


def test_attachment_image_src_uses_the_named_rendition_or_scales_the_original() -> None:
    ctx = context()
    sky = ctx.attachment(4)
    seed = ctx.attachment(493233)
    assert sky is not None and seed is not None
    assert attachment_image_src(sky, "medium", ctx.options) == (f"{SKY}-300x169.jpg", 300, 169)
    assert attachment_image_src(sky, "full", ctx.options) == (f"{SKY}.jpg", 1600, 900)
    seed_url = f"{UPLOADS}/2023/11/Schermafbeelding-2023-11-16-094604.png"
    assert attachment_image_src(seed, "thumbnail", ctx.options) == (seed_url, 150, 84)


def test_attachment_image_in_wordpress_6_1_carries_decoding_and_loading() -> None:
    ctx = context()
    chip = ctx.attachment(5)
    assert chip is not None
    html = attachment_image(
        chip, "thumbnail", ctx, {"aria-describedby": "gallery-1-5"}, wp_version="6.1"
    )
    assert html.startswith(
        '<img width="150" height="150" src="http://127.0.0.1:8081/archive/wp-content/uploads/2024/01/'
        'chip-diagram-150x150.png" class="attachment-thumbnail size-thumbnail" alt="" decoding="async" '
        'loading="lazy" aria-describedby="gallery-1-5" srcset="'
    )
    assert html.endswith(' sizes="(max-width: 150px) 100vw, 150px" />')


def test_attachment_image_from_wordpress_6_4_leaves_loading_to_the_content_filter() -> None:
    ctx = context("6.8")
    sky = ctx.attachment(4)
    assert sky is not None
    html = attachment_image(sky, "thumbnail", ctx, wp_version="6.8")
    assert html == (
        f'<img width="150" height="150" src="{SKY}-150x150.jpg" class="attachment-thumbnail size-thumbnail" '
        'alt="The skyline of Eindhoven" />'
    )
