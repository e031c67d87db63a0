"""WordPress export (WXR 1.0–1.2) import: streamed, repaired where WordPress writes bad XML.

``broadsheet import export.wxr`` reads the file once, as a stream (``lxml.etree.iterparse``
over a repairing reader, each element dropped once read), so memory stays bounded whatever
the file's size. What it keeps:

* posts, pages, attachments and registered custom post types of every status, with the ids,
  slugs, dates (local and GMT, drafts' zero GMT date included), passwords, guids, parents,
  menu order, comment/ping status, post format and page template of the file; all post meta
  raw (PHP-serialized values stay serialized, as in ``wp_postmeta``), ``_wp_old_slug`` too;
* terms of every taxonomy with their ids, parents (the file names the parent's slug: it is
  resolved within the taxonomy), descriptions; post terms by (taxonomy, slug);
* authors, and the users the settings file lists under ``not_in_wxr`` (profile fields a WXR
  lacks); comments with their threads; revisions and spam comment ids from ``not_in_wxr``;
* sticky posts into the ``sticky_posts`` setting unless the settings file gives it.

WordPress writes comment author URLs without escaping, so a URL with a query string leaves a
bare ``&`` that makes the file malformed: the reader escapes bare ampersands outside CDATA
sections and keeps carriage returns inside CDATA. A DOCTYPE is refused outright (WordPress
never writes one), so entity bombs and external entities never reach the parser, which is
also told not to resolve entities or use the network.

Rows are written in batches; posts and comments are stored ``rendered_by = 'pending'`` and
rendered by Broadsheet's pipeline (:mod:`..rendering`): by worker processes while the file is
still being read, for posts whose attachments are already stored, the rest once the whole
file is in. A
cut-off or hostile file raises :class:`ImportError_` with a one-line message; the caller runs
the import in one transaction, so the database stays as it was.

The modules, in the order the data flows:

* :mod:`.files` opens the file (gzipped or not) and tells a WXR file from other sources;
* :mod:`.reader` repairs the bytes and refuses hostile input (:class:`RepairingReader`);
* :mod:`.records` parses the stream into author, term and item records and the channel header;
* :mod:`.values` checks the numbers and dates of fields;
* :mod:`.channel` turns the channel into site settings (and :func:`settings_for`);
* :mod:`.users`, :mod:`.terms`, :mod:`.items`, :mod:`.comments`, :mod:`.sticky` and
  :mod:`.mime` map records to our models;
* :mod:`.batch` writes entries in batches, the newer version of a post winning;
* :mod:`.file_import` drives one file: the savepoint, the order of writes, progress, rendering.
"""

from __future__ import annotations

from .channel import settings_for
from .file_import import import_file
from .files import is_wxr
from .mime import mime_type_for
from .reader import RepairingReader

__all__ = ["RepairingReader", "import_file", "is_wxr", "mime_type_for", "settings_for"]
