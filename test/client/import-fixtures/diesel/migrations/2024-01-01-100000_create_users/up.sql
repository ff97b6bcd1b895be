CREATE TABLE users (
    id         SERIAL PRIMARY KEY,
    name       VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
SELECT diesel_manage_updated_at('users');
