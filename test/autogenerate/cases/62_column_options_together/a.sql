-- Column changes whose parts depend on each other.
CREATE TABLE item (id int PRIMARY KEY, code text DEFAULT 'none', counter int DEFAULT 5, label text);
INSERT INTO item (id, code, label) VALUES (1, '12', 'x');
