CREATE TYPE new_state AS ENUM ('draft', 'published', 'archived');
CREATE TABLE thing (id int PRIMARY KEY, status new_state NOT NULL DEFAULT 'draft');
