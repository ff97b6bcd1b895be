CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE DOMAIN short_text AS text DEFAULT 'n/a';
CREATE TABLE stock (id int PRIMARY KEY, qty positive_int, label short_text);
INSERT INTO stock VALUES (1, 5, 'x');
