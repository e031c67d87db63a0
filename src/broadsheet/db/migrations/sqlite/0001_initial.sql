-- Broadsheet's store, version 1. Mirrors the WordPress data model a REST client can observe.
-- Dates: local times and UTC times are kept as WordPress stores them ('YYYY-MM-DD HH:MM:SS').
-- JSON columns hold values exactly as decoded from the source, key order kept.

CREATE TABLE options (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL                      -- JSON
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    login           TEXT NOT NULL DEFAULT '',
    nicename        TEXT NOT NULL,
    display_name    TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT NOT NULL DEFAULT '',
    nickname        TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT '',
    registered      TEXT NOT NULL DEFAULT '0000-00-00 00:00:00',
    roles           TEXT NOT NULL DEFAULT '[]',   -- JSON list
    avatar_urls     TEXT,                          -- JSON, kept only when the source had no e-mail
    meta            TEXT NOT NULL DEFAULT '[]',    -- JSON, REST meta as served
    name_key        TEXT NOT NULL DEFAULT ''       -- display name folded for ordering/search
);
CREATE INDEX users_nicename ON users (nicename);

CREATE TABLE posts (
    id               INTEGER PRIMARY KEY,
    type             TEXT NOT NULL,
    status           TEXT NOT NULL,
    author           INTEGER NOT NULL DEFAULT 0,
    parent           INTEGER NOT NULL DEFAULT 0,
    menu_order       INTEGER NOT NULL DEFAULT 0,
    date             TEXT NOT NULL,
    date_gmt         TEXT NOT NULL,
    modified         TEXT NOT NULL,
    modified_gmt     TEXT NOT NULL,
    slug             TEXT NOT NULL DEFAULT '',
    password         TEXT NOT NULL DEFAULT '',
    comment_status   TEXT NOT NULL DEFAULT 'open',
    ping_status      TEXT NOT NULL DEFAULT 'open',
    guid             TEXT NOT NULL DEFAULT '',
    mime_type        TEXT NOT NULL DEFAULT '',
    template         TEXT NOT NULL DEFAULT '',
    format           TEXT NOT NULL DEFAULT 'standard',
    title_raw        TEXT,                          -- NULL when the source only showed rendered HTML
    content_raw      TEXT,
    excerpt_raw      TEXT,
    title_rendered   TEXT NOT NULL DEFAULT '',
    content_rendered TEXT NOT NULL DEFAULT '',
    excerpt_rendered TEXT NOT NULL DEFAULT '',
    rendered_by      TEXT NOT NULL DEFAULT 'source', -- 'source': as the origin site rendered it; 'broadsheet'
    comment_count    INTEGER NOT NULL DEFAULT 0,    -- approved comments, recomputed on import
    fields           TEXT NOT NULL DEFAULT '{}',    -- JSON: REST fields no extension computes, kept verbatim
    title_key        TEXT NOT NULL DEFAULT '',      -- folded title: ordering and search (collation)
    excerpt_key      TEXT NOT NULL DEFAULT '',      -- folded excerpt for search
    content_key      TEXT NOT NULL DEFAULT ''       -- folded content for search
);
CREATE INDEX posts_type_status_date ON posts (type, status, date);
CREATE INDEX posts_slug ON posts (slug);
CREATE INDEX posts_parent ON posts (parent);
CREATE INDEX posts_author ON posts (author);

CREATE TABLE postmeta (
    post_id  INTEGER NOT NULL,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,                         -- raw WordPress meta value (serialized stays serialized)
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, key, position)
);

CREATE TABLE terms (
    id          INTEGER PRIMARY KEY,
    taxonomy    TEXT NOT NULL,
    name        TEXT NOT NULL,                      -- stored escaped, as WordPress does ('A &amp; B')
    slug        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    parent      INTEGER NOT NULL DEFAULT 0,
    meta        TEXT NOT NULL DEFAULT '[]',         -- JSON, REST meta as served
    name_key    TEXT NOT NULL DEFAULT ''            -- folded name for ordering
);
CREATE INDEX terms_taxonomy_slug ON terms (taxonomy, slug);

CREATE TABLE term_relationships (
    post_id INTEGER NOT NULL,
    term_id INTEGER NOT NULL,
    PRIMARY KEY (post_id, term_id)
);
CREATE INDEX term_relationships_term ON term_relationships (term_id);

CREATE TABLE comments (
    id                INTEGER PRIMARY KEY,
    post_id           INTEGER NOT NULL,
    parent            INTEGER NOT NULL DEFAULT 0,
    author            INTEGER NOT NULL DEFAULT 0,
    author_name       TEXT NOT NULL DEFAULT '',
    author_email      TEXT NOT NULL DEFAULT '',
    author_url        TEXT NOT NULL DEFAULT '',
    author_ip         TEXT NOT NULL DEFAULT '',
    author_user_agent TEXT NOT NULL DEFAULT '',
    date              TEXT NOT NULL,
    date_gmt          TEXT NOT NULL,
    content_raw       TEXT,
    content_rendered  TEXT NOT NULL DEFAULT '',
    rendered_by       TEXT NOT NULL DEFAULT 'source',
    status            TEXT NOT NULL DEFAULT 'approved',   -- approved, hold, spam, trash
    type              TEXT NOT NULL DEFAULT 'comment',
    avatar_urls       TEXT,                                -- JSON, kept only when the source had no e-mail
    meta              TEXT NOT NULL DEFAULT '[]',
    search_text       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comments_post ON comments (post_id);

-- Bumped by every change to content; servers clear their caches when it moves.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);
