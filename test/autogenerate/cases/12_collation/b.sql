CREATE TABLE word (id int PRIMARY KEY, spelling text COLLATE "C", sort_key varchar(40) COLLATE "POSIX");
