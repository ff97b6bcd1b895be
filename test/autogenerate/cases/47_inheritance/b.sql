CREATE TABLE base (id int NOT NULL, created timestamptz DEFAULT now(), CHECK (id > 0));
CREATE TABLE special (extra text, id int NOT NULL) INHERITS (base);
