-- Version 4: what each content version changed, so that every server process drops only the
-- cached rows, objects and answers that depend on it (store/changes.py). One row per version:
-- scope is JSON, an object of kind -> ids ({"post": [7, 9], "term": [3]}), or "all" when the
-- change was too large to list or its extent is unknown. Old rows are pruned as versions move.
CREATE TABLE content_changes (
    version INTEGER PRIMARY KEY,
    scope   TEXT NOT NULL
);
