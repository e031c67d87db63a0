-- Version 3: every public read query is served from an index at a million posts.

-- Kept term counts: published posts carrying the term directly (WordPress's term_taxonomy.count),
-- recomputed at the end of every import (store/terms.py recount).
ALTER TABLE terms ADD COLUMN post_count INTEGER NOT NULL DEFAULT 0;
UPDATE terms SET post_count = (
    SELECT COUNT(*) FROM term_relationships tr JOIN posts p ON p.id = tr.post_id
    WHERE tr.term_id = terms.id AND p.status = 'publish');
CREATE INDEX terms_taxonomy_name ON terms (taxonomy, name_key);
CREATE INDEX terms_taxonomy_count ON terms (taxonomy, post_count);

-- A term's posts without visiting the table (taxonomy filters, counts).
CREATE INDEX term_relationships_term_post ON term_relationships (term_id, post_id);
DROP INDEX term_relationships_term;

-- Collection orders (every index ends with the rowid, the id tiebreak, so OFFSET walks only the
-- index); the author index also answers author filters and "has published posts".
CREATE INDEX posts_type_status_modified ON posts (type, status, modified);
CREATE INDEX posts_type_status_title ON posts (type, status, title_key);
CREATE INDEX posts_type_status_slug ON posts (type, status, slug);
CREATE INDEX posts_type_status_author ON posts (type, status, author);
CREATE INDEX posts_type_status_comment_count ON posts (type, status, comment_count);
CREATE INDEX posts_author_type_status_date ON posts (author, type, status, date);
DROP INDEX posts_author;

-- Comment lists: by post, by status and type, newest first.
CREATE INDEX comments_post_status_date ON comments (post_id, status, date_gmt);
CREATE INDEX comments_status_type_date ON comments (status, type, date_gmt);
DROP INDEX comments_post;
CREATE INDEX comments_parent ON comments (parent);

-- Substring search: a trigram index over the folded keys, used to find candidate posts; the
-- LIKE tests on the posts' own keys then decide (store/search_index.py). External content: the
-- text lives in posts only; the writer keeps the index in step.
CREATE VIRTUAL TABLE posts_search USING fts5(
    title_key, excerpt_key, content_key,
    content = 'posts', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1', detail = 'none', columnsize = 0);
INSERT INTO posts_search (posts_search) VALUES ('rebuild');
