CREATE TABLE account (
    id integer PRIMARY KEY,
    email text NOT NULL UNIQUE,
    age int CHECK (age >= 0),
    kind text CHECK (kind IN ('a', 'b'))
);
CREATE TABLE session (id int PRIMARY KEY, account_id int NOT NULL REFERENCES account ON DELETE CASCADE);
