"""WordPress shortcodes: the parser, a registry, and core's ``caption``/``gallery``/media handlers.

Parsing follows WordPress exactly: ``[name attrs]``, ``[name attrs /]`` and
``[name attrs]content[/name]``; ``[[name]]`` escapes a shortcode; unregistered names stay
literal; attributes are parsed like ``shortcode_parse_atts`` (quoted, unquoted and positional
values, C-style backslash escapes, lower-cased names). Inside HTML tags a shortcode only runs in
an attribute position or value, and a quoted value must then pass a kses check (allowed element,
allowed attribute, allowed URL protocol) or the attribute is left as it was.

Handlers are called as ``handler(attrs, content, ctx)``. Like WordPress, ``content`` is ``""``
(never None) for a shortcode that does not enclose anything; positional attributes are keyed
``"0"``, ``"1"``, …

``[embed]`` runs in its own pass before wpautop (WordPress's priority 8): use
:func:`run_embed_shortcode`. In the main pass (priority 11) ``embed`` is registered as a
placeholder that outputs nothing, as in WordPress.

Context extensions read when present (``RenderContext`` does not define them yet):
``ctx.post_id`` (the post being rendered: gallery/audio/video ids), ``ctx.attached_media(post_id,
mime_prefix)`` (attachments of a post, for ``[gallery]`` without ids and ``[audio]``/``[video]``
without a source), ``ctx.oembed_html(url, attrs)`` (cached oEmbed HTML, ``"{{unknown}}"`` or
None), and on ``ctx.options``: ``content_width`` (int, theme's ``$content_width``) and
``html5`` (theme ``html5`` supports; default ``caption``, ``gallery``, ``style``, ``script``).
Per-request counters (gallery/audio/video instances, 7.1's unique caption ids) live in
:func:`broadsheet.render.images.render_state`, one per context object.

Knowingly left out: ``[playlist]`` (not registered, so it stays literal), the YouTube
``/embed/`` URL handler of ``[embed]``, right-to-left gallery floats, ``style`` attributes
produced by shortcodes inside HTML (WordPress checks them with safecss; we refuse them), kses
filtering of HTML in ``[caption caption="…"]``, and every filter/action hook.

The modules:

* :mod:`.registry`: :class:`Shortcodes` (register, run, strip; shortcodes inside HTML tags),
  with :mod:`.attributes` (shortcode_parse_atts) and :mod:`.kses` (the attribute check);
* :mod:`.defaults`: :func:`default_shortcodes`, core's shortcodes in WordPress's order;
* the handlers: :mod:`.caption`, :mod:`.gallery`, :mod:`.media` (audio and video, with
  :mod:`.query_args`) and :mod:`.embed`;
* what the handlers share: :mod:`.values` (PHP's value semantics, shortcode_atts) and
  :mod:`.environment` (WordPress version, theme HTML5 support, the post being rendered).
"""

from __future__ import annotations

from broadsheet.render.shortcodes.attributes import parse_shortcode_atts
from broadsheet.render.shortcodes.defaults import default_shortcodes
from broadsheet.render.shortcodes.embed import embed_shortcodes, run_embed_shortcode
from broadsheet.render.shortcodes.registry import Handler, ShortcodeContext, Shortcodes

__all__ = [
    "Handler",
    "ShortcodeContext",
    "Shortcodes",
    "default_shortcodes",
    "embed_shortcodes",
    "parse_shortcode_atts",
    "run_embed_shortcode",
]
