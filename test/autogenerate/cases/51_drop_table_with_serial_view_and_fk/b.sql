-- author goes with its sequence and view; book loses the foreign key.
CREATE TABLE book (id serial PRIMARY KEY, author_id int, title text);
