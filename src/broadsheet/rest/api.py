"""Assembling the REST API: every controller registered in WordPress's order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .comments import CommentsController
from .editor import EditorRoutes
from .index import IndexController
from .oembed import OEmbedController
from .posts import PostsController
from .registries import RegistriesController
from .search import SearchController
from .server import RestServer
from .site_settings import SettingsController
from .terms import TermsController
from .users import UsersController

if TYPE_CHECKING:
    from ..env import Env


def build_server(env: Env) -> RestServer:
    """A REST server with every route Broadsheet serves for this site."""
    site = env.site
    server = RestServer(
        site.rest_root,
        charset=str(site.settings["charset"] or "UTF-8"),
        jsonp_enabled=bool(site.settings["jsonp_enabled"]),
        target_hints=site.compat.target_hints,
        cache=env.cache,
    )
    index = IndexController(server, site)
    index.register()
    editor = EditorRoutes(env, server, index)  # the block editor's and admin's routes
    editor.register("root")
    index.register_namespace("oembed/1.0")
    OEmbedController(env, server).register()
    index.register_namespace("wp/v2")
    post_types = site.rest_post_types()
    for post_type in [pt for pt in post_types if pt.builtin]:
        PostsController(env, server, post_type).register()
    editor.register("post_types")
    for post_type in [pt for pt in post_types if not pt.builtin]:
        PostsController(env, server, post_type).register()
    RegistriesController(env, server).register()
    taxonomies = site.rest_taxonomies()
    for taxonomy in taxonomies:
        TermsController(env, server, taxonomy).register()
        if taxonomy.name == "post_tag":
            editor.register("taxonomies")
    if "post_tag" not in [t.name for t in taxonomies]:
        editor.register("taxonomies")
    UsersController(env, server).register()
    editor.register("users")
    CommentsController(env, server).register()
    SearchController(env, server).register()
    editor.register("search")
    SettingsController(env, server).register()
    editor.register("settings")
    return server
