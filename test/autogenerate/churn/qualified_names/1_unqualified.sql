CREATE TYPE status AS ENUM ('new', 'done');
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id), s status DEFAULT 'new');
CREATE VIEW child_view AS SELECT id, parent_id FROM child;
CREATE INDEX child_parent ON child (parent_id);
