CREATE TABLE box (id int PRIMARY KEY, w numeric NOT NULL, h numeric NOT NULL, area numeric GENERATED ALWAYS AS (w * h) STORED, frozen numeric GENERATED ALWAYS AS (w + 1) STORED);
INSERT INTO box (id, w, h) VALUES (1, 2, 3);
