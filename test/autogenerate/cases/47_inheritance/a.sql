CREATE TABLE base (id int NOT NULL, created timestamptz DEFAULT now());
