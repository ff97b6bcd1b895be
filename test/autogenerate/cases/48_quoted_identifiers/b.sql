CREATE TYPE "Status" AS ENUM ('Open', 'it''s closed');
CREATE TABLE "Order" ("Id" int PRIMARY KEY, "select" varchar(5), "two words" int NOT NULL DEFAULT 0, "Status" "Status",
                      CONSTRAINT "Weird ""name""" CHECK ("two words" >= 0));
CREATE INDEX "Order by select" ON "Order" ("select", "two words" DESC);
CREATE VIEW "user" AS SELECT "Id", "select" FROM "Order";
