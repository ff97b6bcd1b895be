CREATE TABLE item (
    id int PRIMARY KEY,
    name text,
    status varchar(32) NOT NULL DEFAULT 'active',
    price numeric(10,2),
    tags text[] NOT NULL DEFAULT ARRAY[]::text[]
);
