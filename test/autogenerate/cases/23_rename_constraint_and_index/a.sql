CREATE TABLE parent (id int CONSTRAINT parent_pk PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent, CONSTRAINT old_check CHECK (id > 0));
CREATE INDEX child_old_idx ON child (parent_id);
