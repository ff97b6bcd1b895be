CREATE TABLE member (id int PRIMARY KEY, email text, org int, handle text);
