CREATE TABLE users (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email varchar(200) NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
