CREATE TYPE old_state AS ENUM ('x', 'y');
CREATE TABLE thing (id int PRIMARY KEY, state old_state);
