CREATE TABLE posts (
    id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id),
    title   varchar(200) NOT NULL
);
