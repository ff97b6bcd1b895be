CREATE TABLE booking (id int PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL);
