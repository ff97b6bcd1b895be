CREATE TABLE account (
    id integer,
    email text NOT NULL,
    age int,
    kind text,
    PRIMARY KEY (id),
    UNIQUE (email),
    CHECK (age >= 0),
    CHECK (kind = ANY (ARRAY['a'::text, 'b'::text]))
);
CREATE TABLE session (id int, account_id int NOT NULL, PRIMARY KEY (id), FOREIGN KEY (account_id) REFERENCES account (id) ON DELETE CASCADE ON UPDATE NO ACTION);
