CREATE TABLE "Order" ("Id" int PRIMARY KEY, "select" text, "two words" int);
