CREATE TABLE setting (id int PRIMARY KEY, level int DEFAULT 1, name text DEFAULT 'none', updated timestamptz);
