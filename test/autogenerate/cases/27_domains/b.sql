CREATE DOMAIN positive_int AS integer NOT NULL CONSTRAINT positive_int_check CHECK (VALUE > 0) CONSTRAINT small CHECK (VALUE < 1000000);
CREATE DOMAIN short_text AS text DEFAULT 'none' CHECK (length(VALUE) < 50);
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE TABLE stock (id int PRIMARY KEY, qty positive_int, label short_text, contact email);
