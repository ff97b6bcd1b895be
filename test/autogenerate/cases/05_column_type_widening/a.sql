CREATE TABLE measure (id int PRIMARY KEY, counter int NOT NULL DEFAULT 0, label varchar(20), ratio real, amount numeric(8,2));
INSERT INTO measure VALUES (1, 5, 'short', 0.5, 12.34);
