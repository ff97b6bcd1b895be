-- Labels added first, in the middle and last: ALTER TYPE ... ADD VALUE;
-- the downgrade recreates the type and converts the columns through text.
CREATE TYPE mood AS ENUM ('awful', 'sad', 'meh', 'ok', 'happy');
CREATE TABLE diary (id int PRIMARY KEY, today mood NOT NULL DEFAULT 'ok', history mood[]);
CREATE INDEX diary_today ON diary (today);
