CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE diary (id int PRIMARY KEY, today mood NOT NULL DEFAULT 'ok', history mood[]);
CREATE INDEX diary_today ON diary (today);
INSERT INTO diary VALUES (1, 'sad', '{sad,ok}');
