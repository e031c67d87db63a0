-- Version 2: a second rendering of classic content, as WordPress serves it later in a request
-- that has already rendered block content. (After do_blocks runs, WordPress re-adds wpautop at
-- the end of its priority, behind shortcode_unautop, so a classic post further down the same
-- collection gets paragraphs around its shortcodes' output.) NULL when it reads the same.
ALTER TABLE posts ADD COLUMN content_rendered_after_blocks TEXT;
