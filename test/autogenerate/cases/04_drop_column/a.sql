CREATE TABLE item (id int PRIMARY KEY, name text, legacy_code char(4) DEFAULT 'XXXX', obsolete jsonb NOT NULL DEFAULT '{}');
INSERT INTO item VALUES (1, 'a', 'ABCD', '{"a": 1}');
