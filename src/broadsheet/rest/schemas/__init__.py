"""Item schemas and write arguments of every route, as WordPress publishes them.

Schemas are what OPTIONS and the index describe; write arguments are derived from them
(non-readonly properties) and validate write requests before permissions are checked.

Every schema is assembled from the site's configuration the way WordPress assembles it from
its registries: a post type's supported features decide which properties exist, its REST
taxonomies add term-ID arrays, registered meta keys fill ``meta``, extension fields that
declare a schema are appended. Properties are plain dicts in WordPress's key order (clients
and the golden files see that order); a property may carry ``arg_options`` — the validation
and sanitisation hooks its write argument uses — which the public schema never shows.

Argument hooks follow the REST server's conventions: ``validate_callback`` is ``True`` for
"validate against the argument's schema", a callable, or ``False`` for none;
``sanitize_callback`` is a callable, or ``False`` for none.
"""

from .base import endpoint_args, public_schema, rest_post_type_names, sanitize_request_arg
from .comments import comment_schema, comment_write_args
from .posts import autosave_schema, post_schema, post_write_args, revision_schema
from .registries import search_schema, search_subtypes, status_schema, taxonomy_schema, type_schema
from .settings import settings_schema, settings_write_args
from .terms import term_schema, term_write_args
from .users import user_schema, user_write_args

__all__ = [
    "autosave_schema",
    "comment_schema",
    "comment_write_args",
    "endpoint_args",
    "post_schema",
    "post_write_args",
    "public_schema",
    "rest_post_type_names",
    "revision_schema",
    "sanitize_request_arg",
    "search_schema",
    "search_subtypes",
    "settings_schema",
    "settings_write_args",
    "status_schema",
    "taxonomy_schema",
    "term_schema",
    "term_write_args",
    "type_schema",
    "user_schema",
    "user_write_args",
]
