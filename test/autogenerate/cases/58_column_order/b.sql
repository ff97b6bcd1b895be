-- New tables get their columns in the declared order (not by name); the
-- columns added to a kept table are appended in their declared order, and
-- the diff announces the order the kept table will end up with.
CREATE TABLE t (id int PRIMARY KEY, x text, b text, a text, y int DEFAULT 0);
CREATE TABLE n (zeta int, alpha int NOT NULL, mid text DEFAULT 'm', PRIMARY KEY (alpha));
