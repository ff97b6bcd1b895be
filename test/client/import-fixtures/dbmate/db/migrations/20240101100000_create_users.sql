-- migrate:up
CREATE TYPE user_role AS ENUM ('reader', 'writer', 'admin');
CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL UNIQUE,
    role       user_role NOT NULL DEFAULT 'reader',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE users;
DROP TYPE user_role;
