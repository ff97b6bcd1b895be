CREATE TABLE account (
    id bigint PRIMARY KEY,
    email varchar(320) NOT NULL,
    display_name text,
    balance numeric(12,2) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    flags boolean[] DEFAULT '{}'
);
