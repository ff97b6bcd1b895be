CREATE TABLE setting (id int PRIMARY KEY, level int DEFAULT 5, name text, updated timestamptz DEFAULT CURRENT_TIMESTAMP);
