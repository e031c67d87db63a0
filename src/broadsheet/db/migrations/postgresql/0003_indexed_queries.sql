-- Version 3: every public read query is served from an index at a million posts.

-- Kept term counts: published posts carrying the term directly (WordPress's term_taxonomy.count),
-- recomputed at the end of every import (store/terms.py recount).
ALTER TABLE terms ADD COLUMN post_count BIGINT NOT NULL DEFAULT 0;
UPDATE terms SET post_count = c.n FROM (
    SELECT tr.term_id, COUNT(*) AS n FROM term_relationships tr JOIN posts p ON p.id = tr.post_id
    WHERE p.status = 'publish' GROUP BY tr.term_id) c
WHERE c.term_id = terms.id;
CREATE INDEX terms_taxonomy_name ON terms (taxonomy, name_key, id);
CREATE INDEX terms_taxonomy_count ON terms (taxonomy, post_count, id);

-- A term's posts without visiting the table (taxonomy filters, counts).
CREATE INDEX term_relationships_term_post ON term_relationships (term_id, post_id);
DROP INDEX term_relationships_term;

-- Collection orders, each ending with the id tiebreak so the index gives the whole order and
-- OFFSET walks only the index; the author index also answers author filters.
CREATE INDEX posts_type_status_date_id ON posts (type, status, date, id);
DROP INDEX posts_type_status_date;
CREATE INDEX posts_type_status_modified ON posts (type, status, modified, id);
CREATE INDEX posts_type_status_title ON posts (type, status, title_key, id);
CREATE INDEX posts_type_status_slug ON posts (type, status, slug, id);
CREATE INDEX posts_type_status_author ON posts (type, status, author, id);
CREATE INDEX posts_type_status_comment_count ON posts (type, status, comment_count, id);
CREATE INDEX posts_author_type_status_date ON posts (author, type, status, date, id);
DROP INDEX posts_author;

-- Comment lists: by post, by status and type, newest first.
CREATE INDEX comments_post_status_date ON comments (post_id, status, date_gmt, id);
CREATE INDEX comments_status_type_date ON comments (status, type, date_gmt, id);
DROP INDEX comments_post;
CREATE INDEX comments_parent ON comments (parent);

-- Substring search: pg_trgm's GIN indexes serve LIKE '%term%' on the folded keys (PostgreSQL
-- rechecks every candidate, so results are exactly LIKE's). The extension lives in schema
-- public, created once per database: the advisory lock (held to the end of this migration's
-- transaction) makes concurrent first migrations wait instead of racing to create it.
SELECT pg_advisory_xact_lock(7347526363);
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX posts_title_trgm ON posts USING gin (title_key public.gin_trgm_ops);
CREATE INDEX posts_excerpt_trgm ON posts USING gin (excerpt_key public.gin_trgm_ops);
CREATE INDEX posts_content_trgm ON posts USING gin (content_key public.gin_trgm_ops);
