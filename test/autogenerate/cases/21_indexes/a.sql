CREATE TABLE doc (id int PRIMARY KEY, title text, body text, author int, created timestamptz, score numeric);
