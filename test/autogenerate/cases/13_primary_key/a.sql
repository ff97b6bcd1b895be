CREATE TABLE no_pk (a int, b int);
CREATE TABLE moving_pk (a int NOT NULL, b int NOT NULL, CONSTRAINT moving_pk_pkey PRIMARY KEY (a));
