CREATE TABLE cache (k text PRIMARY KEY, v text);
CREATE TABLE hot (id int PRIMARY KEY, n int) WITH (fillfactor = 70);
