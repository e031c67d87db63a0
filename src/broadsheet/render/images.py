"""Image markup the way WordPress produces it: ``wp_filter_content_tags`` and attachment images.

:func:`filter_content_tags` is the ``the_content`` step at priority 12: it completes ``<img>``
tags (``width``/``height`` and ``srcset``/``sizes`` for ``wp-image-{ID}`` images, ``decoding``,
``loading``, ``fetchpriority``, ``sizes="auto, …"``) and adds ``loading="lazy"`` to iframes.
What is added, and in which order, depends on the WordPress version:

* before 6.3 (the oracle's 6.1.9): ``loading`` is inserted first and ``decoding`` in front of
  it, so tags read ``<img decoding="async" loading="lazy" …`` (6.1.0 also gave ``decoding`` to
  images without ``src``; we follow the 6.1.1+ fix for every 6.1 version);
* 6.3: the loading optimisation API decides ``loading``/``fetchpriority``; ``decoding`` is
  still inserted last (in front);
* 6.4+: ``decoding`` first, then ``loading``, so tags read ``<img loading="lazy" decoding="async"``;
* 6.7+: lazy images with a ``sizes`` attribute get ``sizes="auto, …"`` (6.8+: only with a
  ``width``); 6.7+ also derives missing dimensions from an inline ``style="width: Npx;"`` and
  lazy-loads iframes that carry ``data-secret``; 7.0+ keeps ``fetchpriority="low"|"auto"``.

REST responses render outside "the loop", so no image is treated as above the fold unless it
already says so (``loading="eager"`` or ``fetchpriority="high"``).

:func:`attachment_image` is ``wp_get_attachment_image`` as called by the ``[gallery]``
shortcode inside ``the_content``.

Knowingly left out: the HTTPS upgrade of srcset URLs for requests over HTTPS, the
``image_downsize`` filter family, array sizes (``size="100,100"``) and all other filters.
"""

from __future__ import annotations

import html as html_module
import re
import weakref
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from broadsheet.compat import Compat
from broadsheet.render.context import Attachment, ImageSize, RenderContext
from broadsheet.render.escape import esc_attr
from broadsheet.render.instances import RenderState
from broadsheet.render.php import PHP_TRIM, php_round, php_round_string
from broadsheet.render.slugs import strip_tags

__all__ = [
    "DEFAULT_IMAGE_SIZES",
    "RenderState",
    "attachment_image",
    "attachment_image_src",
    "calculate_image_srcset",
    "constrain_dimensions",
    "filter_content_tags",
    "render_state",
]

# WordPress's default sizes (options + the two sizes core registers since 5.3).
DEFAULT_IMAGE_SIZES: dict[str, dict[str, Any]] = {
    "thumbnail": {"width": 150, "height": 150, "crop": True},
    "medium": {"width": 300, "height": 300, "crop": False},
    "medium_large": {"width": 768, "height": 0, "crop": False},
    "large": {"width": 1024, "height": 1024, "crop": False},
    "1536x1536": {"width": 1536, "height": 1536, "crop": False},
    "2048x2048": {"width": 2048, "height": 2048, "crop": False},
}

_MAX_SRCSET_WIDTH = 2048
_MIN_PRIORITY_PIXELS = 50000


_STATES: weakref.WeakKeyDictionary[Any, RenderState] = weakref.WeakKeyDictionary()


def render_state(ctx: RenderContext) -> RenderState:
    """The per-request state of ``ctx`` (one per context object: use one context per request)."""
    explicit = getattr(ctx, "render_state", None)
    if isinstance(explicit, RenderState):
        return explicit
    try:
        return _STATES.setdefault(ctx, RenderState())
    except TypeError:  # not weak-referenceable: state cannot outlive this call
        return RenderState()


# --- geometry ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096, typed=True)  # a pure function of a few sizes that recur constantly
def constrain_dimensions(
    width: int, height: int, max_width: int = 0, max_height: int = 0
) -> tuple[int, int]:
    """Scale ``width``×``height`` down to fit the box, keeping the ratio (wp_constrain_dimensions)."""
    if not max_width and not max_height:
        return width, height
    width_ratio = height_ratio = 1.0
    did_width = did_height = False
    if max_width > 0 and width > 0 and width > max_width:
        width_ratio, did_width = max_width / width, True
    if max_height > 0 and height > 0 and height > max_height:
        height_ratio, did_height = max_height / height, True
    smaller, larger = min(width_ratio, height_ratio), max(width_ratio, height_ratio)
    too_big = php_round(width * larger) > max_width or php_round(height * larger) > max_height
    ratio = smaller if too_big else larger
    new_width = max(1, php_round(width * ratio))
    new_height = max(1, php_round(height * ratio))
    if did_width and new_width == max_width - 1:
        new_width = max_width
    if did_height and new_height == max_height - 1:
        new_height = max_height
    return new_width, new_height


@lru_cache(maxsize=4096, typed=True)
def _matches_ratio(source_w: int, source_h: int, target_w: int, target_h: int) -> bool:
    """Whether two sizes share an aspect ratio within one pixel (wp_image_matches_ratio)."""
    if source_w > target_w:
        constrained = constrain_dimensions(source_w, source_h, target_w)
        expected = (target_w, target_h)
    else:
        constrained = constrain_dimensions(target_w, target_h, source_w)
        expected = (source_w, source_h)
    return abs(constrained[0] - expected[0]) <= 1 and abs(constrained[1] - expected[1]) <= 1


def _basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _relative_dir(file: str) -> str:
    """The uploads sub-directory of an attachment file, with a trailing slash (or ``""``)."""
    if "/" not in file.rstrip("/"):
        return ""
    dirname = file.rstrip("/").rsplit("/", 1)[0]
    marker = dirname.find("wp-content/uploads")
    if marker >= 0:
        dirname = dirname[marker + 18 :].lstrip("/")
    return dirname + "/" if dirname else ""


_EDIT_HASH = re.compile(r"-e[0-9]{13}")


def calculate_image_srcset(
    size: tuple[int, int], image_src: str, attachment: Attachment, uploads_baseurl: str
) -> str | None:
    """The ``srcset`` value for an image of ``size`` showing ``image_src``, or None (fewer than 2)."""
    if not attachment.sizes or len(attachment.file) < 4:
        return None
    image_width, image_height = size
    if image_width < 1:
        return None
    candidates: list[tuple[str, int, int]] = [(s.file, s.width, s.height) for s in attachment.sizes]
    thumbnail = next((s for s in attachment.sizes if s.name == "thumbnail"), None)
    if thumbnail is None or thumbnail.mime_type != "image/gif":
        candidates.append((_basename(attachment.file), attachment.width, attachment.height))
    elif attachment.file in image_src[1:]:
        return None
    dirname = _relative_dir(attachment.file)
    baseurl = uploads_baseurl.rstrip("/") + "/" + dirname
    edit_hash = _EDIT_HASH.search(_basename(image_src))
    sources: dict[int, str] = {}
    src_matched = False
    for file, width, height in candidates:
        is_src = not src_matched and (dirname + file) in image_src
        src_matched = src_matched or is_src
        if edit_hash and edit_hash.group() not in file[1:]:
            continue
        if width > _MAX_SRCSET_WIDTH and not is_src:
            continue
        if not _matches_ratio(image_width, image_height, width, height):
            continue
        url = baseurl + file
        if is_src:
            sources = {width: url, **{k: v for k, v in sources.items() if k != width}}
        else:
            sources[width] = url
    if not src_matched or len(sources) < 2:
        return None
    return ", ".join(f"{url.replace(' ', '%20')} {width}w" for width, url in sources.items())


def _calculate_sizes(width: int) -> str | None:
    return f"(max-width: {width}px) 100vw, {width}px" if width else None


def _image_src_dimensions(image_src: str, attachment: Attachment) -> tuple[int, int] | None:
    """Dimensions of the file ``image_src`` shows, from the attachment metadata."""
    if attachment.file and _basename(attachment.file) in image_src:
        return attachment.width, attachment.height
    name = _basename(image_src)
    for rendition in attachment.sizes:
        if rendition.file == name:
            return rendition.width, rendition.height
    return None


# --- wp_filter_content_tags ----------------------------------------------------------------------

_CONTENT_TAG = re.compile(r"<(img|iframe)[ \t\n\r\f\v][^>]+>")
_WP_IMAGE_CLASS = re.compile(r"wp-image-([0-9]+)", re.IGNORECASE)
_SRC_DQ = re.compile(r'src="([^"]+)"')
_WIDTH_DQ = re.compile(r' width="([0-9]+)"')
_HEIGHT_DQ = re.compile(r' height="([0-9]+)"')
_STYLE_WIDTH = re.compile(r'style="width:[ \t\n\r\f\v]*(\d+)px;"')
_IMG_OPEN = re.compile(r"<img ([^>]+?)[/ ]*>")
_WIDTH_ANY = re.compile(r" width=[\"']([0-9]+)[\"']")
_HEIGHT_ANY = re.compile(r" height=[\"']([0-9]+)[\"']")
_LOADING_ANY = re.compile(r" loading=[\"']([A-Za-z]+)[\"']")
_FETCHPRIORITY_ANY = re.compile(r" fetchpriority=[\"']([A-Za-z]+)[\"']")
_DECODING_ANY = re.compile(r" decoding=[\"']([A-Za-z]+)[\"']")


def filter_content_tags(html: str, ctx: RenderContext, *, wp_version: str | None = None) -> str:
    """Complete ``<img>``/``<iframe>`` tags in content as ``wp_filter_content_tags`` does (for
    ``wp_version``, by default the site's ``ctx.options.wp_version``)."""
    if "<img" not in html and "<iframe" not in html:
        return html
    matches = [(m.group(), m.group(1)) for m in _CONTENT_TAG.finditer(html)]
    if not matches:
        return html
    era = Compat.of(ctx.options.wp_version if wp_version is None else wp_version)
    pending_images: dict[str, int] = {}
    pending_iframes: set[str] = set()
    for tag, name in matches:
        if name == "img":
            found = _WP_IMAGE_CLASS.search(tag)
            pending_images[tag] = int(found.group(1)) if found else 0
        else:
            pending_iframes.add(tag)
    for tag, _name in matches:
        if tag in pending_images:
            filtered = _filter_image(tag, pending_images.pop(tag), ctx, era)
            if filtered != tag:
                html = html.replace(tag, filtered)
        if tag in pending_iframes:
            pending_iframes.discard(tag)
            filtered = _filter_iframe(tag, era)
            if filtered != tag:
                html = html.replace(tag, filtered)
    return html


def _filter_image(tag: str, attachment_id: int, ctx: RenderContext, era: Compat) -> str:
    attachment = ctx.attachment(attachment_id) if attachment_id > 0 else None
    if attachment is not None:
        if " width=" not in tag and " height=" not in tag:
            tag = _add_width_and_height(tag, attachment, era)
        if " srcset=" not in tag:
            tag = _add_srcset_and_sizes(tag, attachment, ctx.options.uploads_baseurl)
    state = render_state(ctx)
    if era.at_least(6, 4):
        tag = _add_loading_optimization(tag, state, era)
        if era.at_least(6, 7):
            tag = _add_auto_sizes(tag, require_width=era.at_least(6, 8))
        return tag
    if era.at_least(6, 3):
        tag = _add_loading_optimization(tag, state, era)
    elif " loading=" not in tag and _has_src_and_dimensions(tag):
        tag = tag.replace("<img", '<img loading="lazy"')
    if era.at_least(6, 1) and " decoding=" not in tag and ' src="' in tag:  # src check: 6.1.1+
        tag = tag.replace("<img ", '<img decoding="async" ')
    return tag


def _has_src_and_dimensions(tag: str) -> bool:
    return ' src="' in tag and ' width="' in tag and ' height="' in tag


def _image_src(tag: str) -> str:
    found = _SRC_DQ.search(tag)
    return found.group(1).split("?", 1)[0] if found else ""


def _add_width_and_height(tag: str, attachment: Attachment, era: Compat) -> str:
    """Insert the rendition's ``width``/``height`` right after ``<img``."""
    image_src = _image_src(tag)
    if not image_src:
        return tag
    size = _image_src_dimensions(image_src, attachment)
    if not size:
        return tag
    width, height = size
    if era.at_least(6, 7):
        if not (width and height):
            return tag
        styled = _STYLE_WIDTH.search(tag)
        if styled and int(styled.group(1)):
            style_width = int(styled.group(1))
            width, height = style_width, php_round(height * style_width / width)
    dims = " ".join(
        f'{name}="{value}"' for name, value in (("width", width), ("height", height)) if value
    )
    return tag.replace("<img", f"<img {dims}")


def _add_srcset_and_sizes(tag: str, attachment: Attachment, uploads_baseurl: str) -> str:
    """Append ``srcset`` (and ``sizes`` unless present) for an attachment image."""
    if not attachment.sizes:
        return tag
    image_src = _image_src(tag)
    if not image_src:
        return tag
    edit_hash = _EDIT_HASH.search(attachment.file)
    if edit_hash and edit_hash.group() not in _basename(image_src):
        return tag
    width_match, height_match = _WIDTH_DQ.search(tag), _HEIGHT_DQ.search(tag)
    width = int(width_match.group(1)) if width_match else 0
    height = int(height_match.group(1)) if height_match else 0
    size = (width, height) if width and height else _image_src_dimensions(image_src, attachment)
    if not size:
        return tag
    srcset = calculate_image_srcset(size, image_src, attachment, uploads_baseurl)
    if not srcset:
        return tag
    extra = f' srcset="{esc_attr(srcset)}"'
    if " sizes=" not in tag:
        sizes = _calculate_sizes(size[0])
        if not sizes:
            return tag
        extra += f' sizes="{esc_attr(sizes)}"'
    return _IMG_OPEN.sub(lambda m: f"<img {m.group(1)}{extra} />", tag)


def _value(pattern: re.Pattern[str], tag: str) -> str | None:
    found = pattern.search(tag)
    return found.group(1) if found else None


def _optimization_attributes(
    area: int | None,
    loading: str | None,
    fetchpriority: str | None,
    state: RenderState,
    era: Compat,
) -> dict[str, str]:
    """``loading``/``fetchpriority`` WordPress picks for a content image outside the main loop."""
    if area is None:  # width and height are both needed
        return {}
    if not era.at_least(6, 4):
        return _optimization_attributes_6_3(area, loading, fetchpriority, state)
    attrs: dict[str, str] = {}
    in_viewport = None if loading is None else loading != "lazy"
    low = era.at_least(7, 0) and fetchpriority == "low"
    if fetchpriority == "high":
        if in_viewport is False:
            attrs["fetchpriority"] = "high"
        else:
            in_viewport = True
    elif low or (era.at_least(7, 0) and fetchpriority == "auto"):
        attrs["fetchpriority"] = str(fetchpriority)
        in_viewport = False if low else in_viewport
    if in_viewport:
        keep_auto = era.at_least(7, 0) and fetchpriority == "auto"
        _maybe_high_priority(
            attrs, area, None if keep_auto else fetchpriority, state, allow=not keep_auto
        )
    elif not low:
        attrs["loading"] = "lazy"
    return attrs


def _optimization_attributes_6_3(
    area: int, loading: str | None, fetchpriority: str | None, state: RenderState
) -> dict[str, str]:
    """WordPress 6.3's first version of the loading optimisation rules."""
    attrs: dict[str, str] = {}
    if loading is not None or fetchpriority == "high":
        if loading == "lazy":
            attrs["loading"] = "lazy"
        _maybe_high_priority(attrs, area, fetchpriority, state)
        return attrs
    return {"loading": "lazy"}


def _maybe_high_priority(
    attrs: dict[str, str],
    area: int,
    fetchpriority: str | None,
    state: RenderState,
    allow: bool = True,
) -> None:
    """Give the first large in-viewport image ``fetchpriority="high"`` (once per request)."""
    if fetchpriority is not None:
        if fetchpriority == "high":
            attrs["fetchpriority"] = "high"
            state.high_priority_available = False
        return
    if attrs.get("loading") == "lazy" or not state.high_priority_available:
        return
    if area >= _MIN_PRIORITY_PIXELS:
        if allow:
            attrs["fetchpriority"] = "high"
        state.high_priority_available = False


def _add_loading_optimization(tag: str, state: RenderState, era: Compat) -> str:
    """Insert ``decoding`` (6.4+), ``loading`` and ``fetchpriority`` right after ``<img``."""
    width, height = _value(_WIDTH_ANY, tag), _value(_HEIGHT_ANY, tag)
    loading = _value(_LOADING_ANY, tag)
    fetchpriority = _value(_FETCHPRIORITY_ANY, tag)
    area = int(width) * int(height) if width is not None and height is not None else None
    attrs = _optimization_attributes(area, loading, fetchpriority, state, era)
    if ' src="' not in tag:
        return tag
    if era.at_least(6, 4) and not _value(_DECODING_ANY, tag):
        tag = tag.replace("<img", '<img decoding="async"')
    if ' width="' not in tag or ' height="' not in tag:
        return tag
    if not loading and attrs.get("loading"):
        tag = tag.replace("<img", f'<img loading="{attrs["loading"]}"')
    if not fetchpriority and attrs.get("fetchpriority"):
        tag = tag.replace("<img", f'<img fetchpriority="{attrs["fetchpriority"]}"')
    return tag


# A tag's attributes as the HTML tag processor sees them (first occurrence of a name wins).
_TAG_NAME = re.compile(r"<[A-Za-z][^ \t\n\r\f/>]*")
_ATTRIBUTE = re.compile(
    r"""[ \t\n\r\f/]*(?P<name>[^ \t\n\r\f/>=][^ \t\n\r\f/>=]*|=[^ \t\n\r\f/>=]*)"""
    r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?P<value>"[^"]*"?|'[^']*'?|[^ \t\n\r\f>]*))?"""
)
_HTML_SPACE = " \t\f\r\n"


def _attribute_spans(tag: str) -> dict[str, tuple[int, int, str | None]]:
    """Map lower-cased attribute names to (start, end, raw value) for the first occurrences."""
    spans: dict[str, tuple[int, int, str | None]] = {}
    head = _TAG_NAME.match(tag)
    if not head:
        return spans
    pos = head.end()
    for found in _ATTRIBUTE.finditer(tag, pos):  # attributes follow one another, or it stops
        if found.start() != pos:
            break
        name, raw = found.group(1, 2)
        if raw is not None and raw[:1] in ('"', "'"):
            raw = raw[1:-1] if len(raw) > 1 and raw[-1] == raw[0] else raw[1:]
        pos = found.end()
        spans.setdefault(name.lower(), (found.start(1), pos, raw))
    return spans


def _add_auto_sizes(tag: str, *, require_width: bool) -> str:
    """Prefix ``sizes`` with ``auto, `` on lazy-loaded images (6.7+)."""
    if "sizes" not in tag.lower():
        return tag
    spans = _attribute_spans(tag)
    loading = spans.get("loading")
    if not loading or (loading[2] or "").strip(_HTML_SPACE).lower() != "lazy":
        return tag
    width = spans.get("width")
    if require_width and (not width or not width[2]):
        return tag
    sizes = spans.get("sizes")
    if not sizes or sizes[2] is None:
        return tag
    value = sizes[2]
    if value.split(",", 1)[0].strip(_HTML_SPACE).lower() == "auto":
        return tag
    start, end, _ = sizes
    return f'{tag[:start]}sizes="{esc_attr("auto, " + html_module.unescape(value))}"{tag[end:]}'


def _filter_iframe(tag: str, era: Compat) -> str:
    """Add ``loading="lazy"`` to an iframe with ``src``, ``width`` and ``height``."""
    if " loading=" in tag:
        return tag
    if not era.at_least(6, 7) and ' data-secret="' in tag:
        return tag
    if not _has_src_and_dimensions(tag):
        return tag
    return tag.replace("<iframe", '<iframe loading="lazy"')


# --- wp_get_attachment_image ---------------------------------------------------------------------


def _image_sizes(options: Any) -> Mapping[str, Mapping[str, Any]]:
    """Registered image sizes: WordPress's defaults overridden by the site's ``image_sizes``."""
    configured = getattr(options, "image_sizes", None)
    return {**DEFAULT_IMAGE_SIZES, **configured} if configured else DEFAULT_IMAGE_SIZES


def _size_box(size: str, options: Any) -> tuple[int, int] | None:
    """The maximum box of a named size for display (image_constrain_size_for_editor)."""
    sizes = _image_sizes(options)
    if size in ("thumb", "thumbnail"):
        thumb = sizes.get("thumbnail", {})
        box = (int(thumb.get("width", 0) or 0), int(thumb.get("height", 0) or 0))
        return box if any(box) else (128, 96)
    spec = sizes.get(size)
    if spec is None:
        return None  # unknown size and "full": no constraint
    max_width, max_height = int(spec.get("width", 0) or 0), int(spec.get("height", 0) or 0)
    content_width = int(getattr(options, "content_width", 0) or 0)
    if size in ("medium_large", "large") and content_width > 0:
        max_width = min(content_width, max_width)
    return max_width, max_height


def attachment_image_src(
    attachment: Attachment, size: str, options: Any
) -> tuple[str, int, int] | None:
    """URL, width and height of an attachment at a named size (image_downsize)."""
    url, width, height = attachment.url, 0, 0
    renditions = {rendition.name: rendition for rendition in attachment.sizes}
    if not attachment.mime_type.startswith("image/"):
        full = renditions.get("full")
        if full is None:
            return None
        url, width, height = _swap_basename(url, full.file), full.width, full.height
    chosen: ImageSize | None = renditions.get(size)
    if chosen is not None:
        url, width, height = (
            _swap_basename(attachment.url, chosen.file),
            chosen.width,
            chosen.height,
        )
    elif not width and not height:
        width, height = attachment.width, attachment.height
    if not url:
        return None
    box = _size_box(size, options)
    if box is not None:
        width, height = constrain_dimensions(width, height, *box)
    return url, width, height


def _swap_basename(url: str, file: str) -> str:
    return url.replace(_basename(url), file)


def attachment_image(
    attachment: Attachment, size: str, ctx: RenderContext, attrs: Mapping[str, str] | None = None,
    *, wp_version: str | None = None,
) -> str:  # fmt: skip
    """``<img …/>`` for an attachment as ``wp_get_attachment_image`` builds it inside content
    (for ``wp_version``, by default the site's ``ctx.options.wp_version``)."""
    found = attachment_image_src(attachment, size, ctx.options)
    if found is None:
        return ""
    src, width, height = found
    era = Compat.of(ctx.options.wp_version if wp_version is None else wp_version)
    merged: dict[str, str] = {
        "src": src,
        "class": f"attachment-{size} size-{size}",
        "alt": strip_tags(attachment.alt).strip(PHP_TRIM),
    }
    if era.at_least(6, 1) and not era.at_least(6, 4):
        merged["decoding"] = "async"
    if not era.at_least(6, 3):
        merged["loading"] = "lazy"
    merged.update(attrs or {})
    if era.at_least(6, 3) and not era.at_least(6, 4):
        merged.setdefault("loading", "lazy")
    if not merged.get("srcset"):
        srcset = calculate_image_srcset(
            (width, height), src, attachment, ctx.options.uploads_baseurl
        )
        sizes = _calculate_sizes(width)
        if srcset and (sizes or merged.get("sizes")):
            merged["srcset"] = srcset
            if not merged.get("sizes"):
                merged["sizes"] = sizes or ""
    if getattr(ctx.options, "theme_image_style", False) and attachment.width and attachment.height:
        # Twenty Twenty-One's wp_get_attachment_image_attributes filter (full-size ratio).
        ratio = php_round_string(100 * attachment.height / attachment.width, 2)
        style = f"width:100%;height:{ratio}%;max-width:{attachment.width}px;"
        merged["style"] = style + merged.get("style", "")
    dims = " ".join(
        f'{name}="{value}"' for name, value in (("width", width), ("height", height)) if value
    )
    head = f"<img {dims}" if dims else "<img"
    return head + "".join(f' {name}="{esc_attr(value)}"' for name, value in merged.items()) + " />"
