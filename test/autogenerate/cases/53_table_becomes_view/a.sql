CREATE TABLE source (id int PRIMARY KEY, v int);
CREATE TABLE summary (total bigint);
