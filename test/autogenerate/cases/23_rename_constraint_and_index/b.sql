-- Only names change: renames, no rebuild (and the foreign key stays).
CREATE TABLE parent (id int CONSTRAINT parent_pkey PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent, CONSTRAINT new_check CHECK (id > 0));
CREATE INDEX child_parent_idx ON child (parent_id);
