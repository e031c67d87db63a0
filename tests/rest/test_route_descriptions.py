"""Route descriptions (OPTIONS, the index, the namespace index) and write-argument validation.

Every route Broadsheet serves must be described exactly as WordPress describes it: methods,
``allow_batch``, every argument (keywords in WordPress's order, ``required`` last) and, through
OPTIONS, the item schema. The oracle's recordings are the reference (fixtures/golden-backport and
fixtures/route-descriptions, see the README there). ``targetHints`` on a descriptor's ``self``
link is left out of these comparisons: it is the server's per-request addition (test_golden.py
covers it), not part of the description.

Write requests are validated against arguments derived from the schemas before permissions are
checked, so an invalid value answers 400 with WordPress's messages even to anonymous callers.
The remaining tests pin how schemas follow the site's configuration and WordPress version.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from broadsheet.db import connect
from broadsheet.env import Env
from broadsheet.extensions import Extension, RestField
from broadsheet.rest import schemas
from broadsheet.rest.api import build_server
from broadsheet.rest.schema import public_args
from broadsheet.store import options

from ..conftest import GOLDEN

RECORDED = Path(__file__).parent.parent / "fixtures" / "route-descriptions"
OPTIONS_GOLDENS = [
    "posts_options",
    "post_seed_options",
    "pages_options",
    "users_options",
    "categories_options",
    "comments_options",
]
GOLDEN_INDEX = json.loads((GOLDEN / "index.body").read_text("utf-8"))["routes"]
GOLDEN_NAMESPACE = json.loads((GOLDEN / "ns_wp_v2.body").read_text("utf-8"))["routes"]
with (RECORDED / "options" / "routes.tsv").open(encoding="utf-8") as _tsv:
    SERVED = list(csv.DictReader(_tsv, delimiter="\t"))
WRITES = json.loads((RECORDED / "writes.json").read_text("utf-8"))


def _ordered(value: Any) -> str:
    """A comparison key that keeps key order (dict equality would ignore it)."""
    return json.dumps(value, indent=1)


def _without_hints(descriptor: Any) -> Any:
    if isinstance(descriptor, dict) and isinstance(descriptor.get("_links"), dict):
        links = {
            rel: [{k: v for k, v in link.items() if k != "targetHints"} for link in items]
            for rel, items in descriptor["_links"].items()
        }
        return {**descriptor, "_links": links}
    return descriptor


def _options(client, path: str) -> Any:  # type: ignore[no-untyped-def]
    response = client.request("OPTIONS", "/archive/wp-json" + path)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def served_index(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return json.loads(client.get("/archive/wp-json/").content)["routes"]


# ---------------------------------------------------------------------------------------------
# Descriptors compared with the oracle


@pytest.mark.parametrize("name", OPTIONS_GOLDENS)
def test_options_describes_the_route_and_its_schema_as_the_golden(client, name: str) -> None:  # type: ignore[no-untyped-def]
    line = next(
        r
        for r in (GOLDEN / "index.tsv").read_text("utf-8").splitlines()
        if r.startswith(name + "\t")
    )
    path = line.split("\t")[2].removeprefix("/wp-json")
    expected = json.loads((GOLDEN / f"{name}.body").read_text("utf-8"))
    assert _ordered(_without_hints(_options(client, path))) == _ordered(_without_hints(expected))


@pytest.mark.parametrize("served", SERVED, ids=[s["name"] for s in SERVED])
def test_options_of_every_served_route_equals_the_oracles(client, served: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    expected = json.loads((RECORDED / "options" / f"{served['name']}.json").read_text("utf-8"))
    assert _ordered(_without_hints(_options(client, served["path"]))) == _ordered(
        _without_hints(expected)
    )


@pytest.mark.parametrize("served", SERVED, ids=[s["name"] for s in SERVED])
def test_index_describes_every_served_route_as_the_oracles_index(
    served_index, served: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    route = served["route"]
    assert _ordered(served_index[route]) == _ordered(GOLDEN_INDEX[route])


def test_every_route_in_the_index_is_a_wordpress_route_with_a_recorded_description(
    served_index,
) -> None:  # type: ignore[no-untyped-def]
    editor = RECORDED.parent / "editor-routes" / "options" / "routes.tsv"
    with editor.open(encoding="utf-8") as tsv:
        recorded = [s["route"] for s in SERVED] + [r["route"] for r in csv.DictReader(tsv, delimiter="\t")]
    assert list(served_index) == list(GOLDEN_INDEX)
    assert set(served_index) == set(recorded)


def test_index_keeps_wordpress_route_order(served_index) -> None:  # type: ignore[no-untyped-def]
    assert list(served_index) == [route for route in GOLDEN_INDEX if route in served_index]


def test_namespace_index_describes_its_routes_as_the_oracle(client) -> None:  # type: ignore[no-untyped-def]
    routes = json.loads(client.get("/archive/wp-json/wp/v2").content)["routes"]
    assert routes
    for route, descriptor in routes.items():
        assert _ordered(descriptor) == _ordered(GOLDEN_NAMESPACE[route]), route


# ---------------------------------------------------------------------------------------------
# Writes: arguments validated before permissions


@pytest.mark.parametrize("case", WRITES, ids=[w["name"] for w in WRITES])
def test_write_arguments_are_checked_before_permissions_as_wordpress_does(
    client, case: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    kwargs: dict[str, Any] = {}
    if case["json"] is not None:
        kwargs["content"] = json.dumps(case["json"]).encode()
        kwargs["headers"] = {"Content-Type": "application/json"}
    response = client.request(case["method"], "/archive" + case["path"], **kwargs)
    assert response.status_code == case["status"]
    assert _ordered(json.loads(response.content)) == _ordered(case["response"])


def test_invalid_status_on_update_is_400_not_401(client) -> None:  # type: ignore[no-untyped-def]
    response = client.request(
        "PUT", "/archive/wp-json/wp/v2/posts/463973", json={"status": "bogus"}
    )
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "rest_invalid_param"
    assert body["data"]["params"] == {
        "status": "status is not one of publish, future, draft, pending, and private."
    }


def test_keeping_a_posts_current_status_passes_validation_and_meets_the_permission_check(
    client,
) -> None:  # type: ignore[no-untyped-def]
    response = client.request(
        "PUT", "/archive/wp-json/wp/v2/posts/463973", json={"status": "publish"}
    )
    assert response.status_code == 401
    assert json.loads(response.content)["code"] == "rest_cannot_edit"


# ---------------------------------------------------------------------------------------------
# How schemas and arguments follow the site and the WordPress version


def _env(url: str, **settings: Any) -> Env:
    db = connect(url)
    if settings:
        options.save(db, settings)
    return Env.open(db)


def test_update_arguments_skip_readonly_properties_and_drop_defaults_and_required(
    database_url: str,
) -> None:
    env = _env(database_url)
    pt = env.site.post_types["post"]
    update = schemas.post_write_args(env, pt, create=False)
    assert "id" not in update and "guid" not in update and "link" not in update
    comment_update = schemas.comment_write_args(env, create=False)
    assert "default" not in comment_update["parent"]
    assert public_args(schemas.user_write_args(env, create=False)["username"])["required"] is False


def test_create_arguments_put_default_first_and_mark_required(database_url: str) -> None:
    env = _env(database_url)
    parent = public_args(schemas.comment_write_args(env, create=True)["parent"])
    assert list(parent) == ["default", "description", "type", "required"]
    assert parent["default"] == 0
    users = schemas.user_write_args(env, create=True)
    assert [n for n, a in users.items() if a.get("required")] == ["username", "email", "password"]


def test_public_schema_never_shows_argument_hooks(database_url: str) -> None:
    env = _env(database_url)
    for schema in (
        schemas.post_schema(env, env.site.post_types["post"]),
        schemas.user_schema(env),
        schemas.comment_schema(env),
        schemas.settings_schema(env),
    ):
        assert not any("arg_options" in prop for prop in schema["properties"].values())


@pytest.mark.parametrize(
    ("version", "backport", "shown"),
    [("6.5", False, False), ("6.6", False, True), ("6.1.9", True, False), ("6.8", False, True)],
)
def test_class_list_is_a_post_schema_property_from_wordpress_6_6(
    database_url: str, version: str, backport: bool, shown: bool
) -> None:
    env = _env(database_url, wp_version=version, oracle_backport=backport)
    props = list(schemas.post_schema(env, env.site.post_types["post"])["properties"])
    assert ("class_list" in props) is shown
    if shown:
        assert props.index("class_list") == props.index("generated_slug") + 1


@pytest.mark.parametrize(("version", "shown"), [("6.4", False), ("6.5", True)])
def test_media_items_get_featured_media_from_wordpress_6_5(
    database_url: str, version: str, shown: bool
) -> None:
    env = _env(database_url, wp_version=version)
    props = list(schemas.post_schema(env, env.site.post_types["attachment"])["properties"])
    assert ("featured_media" in props) is shown
    assert "password" not in props


@pytest.mark.parametrize(("version", "shown"), [("6.3", False), ("6.4", True)])
def test_revisions_describe_meta_from_wordpress_6_4(
    database_url: str, version: str, shown: bool
) -> None:
    env = _env(database_url, wp_version=version)
    props = schemas.revision_schema(env, env.site.post_types["post"])["properties"]
    assert ("meta" in props) is shown


def test_autosaves_add_a_preview_link_to_the_revision_schema(database_url: str) -> None:
    env = _env(database_url)
    pt = env.site.post_types["page"]
    revision = list(schemas.revision_schema(env, pt)["properties"])
    autosave = list(schemas.autosave_schema(env, pt)["properties"])
    assert autosave == [*revision, "preview_link"]


@pytest.mark.parametrize(
    ("version", "keys"),
    [
        ("6.6", ["type", "description", "default"]),
        ("6.7", ["type", "title", "description", "default"]),
    ],
)
def test_registered_meta_keys_gain_an_empty_title_in_wordpress_6_7(
    database_url: str, version: str, keys: list[str]
) -> None:
    env = _env(database_url, wp_version=version)
    meta = schemas.post_schema(env, env.site.post_types["post"])["properties"]["meta"]["properties"]
    assert meta and all(list(prop) == keys for prop in meta.values())


@pytest.mark.parametrize(("version", "title"), [("6.5", None), ("6.6", "Maximum posts per page")])
def test_settings_carry_their_labels_as_titles_from_wordpress_6_6(
    database_url: str, version: str, title: Any
) -> None:
    env = _env(database_url, wp_version=version)
    setting = schemas.settings_schema(env)["properties"]["posts_per_page"]
    assert setting.get("title") == title
    arg = public_args(schemas.settings_write_args(env)["posts_per_page"])
    assert ("title" in arg) is (title is not None)


@pytest.mark.parametrize(("version", "shown"), [("6.5", False), ("6.6", True)])
def test_post_type_schema_describes_block_templates_from_wordpress_6_6(
    database_url: str, version: str, shown: bool
) -> None:
    env = _env(database_url, wp_version=version)
    assert ("template_lock" in schemas.type_schema(env)["properties"]) is shown


@pytest.mark.parametrize(("version", "keys"), [("6.8", []), ("6.9", ["_wp_note_status"])])
def test_comment_meta_describes_note_status_from_wordpress_6_9(
    database_url: str, version: str, keys: list[str]
) -> None:
    env = _env(database_url, wp_version=version)
    assert list(schemas.comment_schema(env)["properties"]["meta"]["properties"]) == keys


@pytest.mark.parametrize(
    ("version", "added"),
    [
        ("6.9", []),
        ("7.0", ["filename", "filesize", "exif_orientation"]),
        (
            "7.1",
            [
                "filename",
                "filesize",
                "exif_orientation",
                "image_quality",
                "image_output_format",
                "image_save_progressive",
            ],
        ),
    ],
)
def test_media_schema_grows_file_and_image_fields_in_wordpress_7(
    database_url: str, version: str, added: list[str]
) -> None:
    env = _env(database_url, wp_version=version)
    props = list(schemas.post_schema(env, env.site.post_types["attachment"])["properties"])
    assert props[props.index("missing_image_sizes") + 1 :] == added


def test_custom_post_type_schema_follows_its_supports_and_taxonomies(database_url: str) -> None:
    env = _env(
        database_url,
        post_types=[
            {
                "name": "event",
                "rest_base": "events",
                "supports": ["title", "editor"],
                "hierarchical": True,
                "public": False,
            }
        ],
        taxonomies=[{"name": "venue", "rest_base": "venues", "object_type": ["event"]}],
    )
    pt = env.site.post_types["event"]
    schema = schemas.post_schema(env, pt)
    assert list(schema["properties"]) == [
        "date",
        "date_gmt",
        "guid",
        "id",
        "link",
        "modified",
        "modified_gmt",
        "slug",
        "status",
        "type",
        "password",
        "parent",
        "title",
        "content",
        "template",
        "venues",
    ]
    assert (
        schema["properties"]["venues"]["description"]
        == "The terms assigned to the post in the venue taxonomy."
    )
    rels = [link["rel"] for link in schema["links"]]
    assert rels == [
        "https://api.w.org/action-publish",
        "https://api.w.org/action-unfiltered-html",
        "https://api.w.org/action-assign-venues",
        "https://api.w.org/action-create-venues",
    ]


def test_extension_fields_with_a_schema_are_described_and_writable(database_url: str) -> None:
    env = _env(database_url)
    schema_field = {"description": "Subtitle.", "type": "string", "context": ["view", "edit"]}
    env.extensions.append(
        Extension(
            "test",
            "Test fields.",
            fields=[
                RestField("subtitle", ("post",), lambda *a: "", schema=schema_field),
                RestField("computed", ("post",), lambda *a: ""),
            ],
        )
    )
    pt = env.site.post_types["post"]
    props = schemas.post_schema(env, pt)["properties"]
    assert list(props)[-1] == "subtitle" and "computed" not in props
    assert public_args(schemas.post_write_args(env, pt, create=True)["subtitle"]) == {
        "description": "Subtitle.",
        "type": "string",
        "required": False,
    }


def test_has_published_posts_lists_every_rest_post_type_of_the_version(database_url: str) -> None:
    env = _env(database_url, wp_version="6.8")
    assert schemas.rest_post_type_names(env) == [
        "post",
        "page",
        "attachment",
        "nav_menu_item",
        "wp_block",
        "wp_template",
        "wp_template_part",
        "wp_global_styles",
        "wp_navigation",
        "wp_font_family",
        "wp_font_face",
    ]


@pytest.mark.parametrize(("version", "batch"), [("6.5", False), ("6.6", True)])
def test_user_routes_are_batchable_from_wordpress_6_6(
    database_url: str, version: str, batch: bool
) -> None:
    env = _env(database_url, wp_version=version)
    server = build_server(env)
    for pattern in ("/wp/v2/users", "/wp/v2/users/(?P<id>[\\d]+)"):
        assert all(e.allow_batch is batch for e in server.router.routes[pattern].endpoints)
    assert not any(e.allow_batch for e in server.router.routes["/wp/v2/users/me"].endpoints)
    assert not any(e.allow_batch for e in server.router.routes["/wp/v2/media"].endpoints)
