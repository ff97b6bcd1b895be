CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int, amount int);
ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
ALTER TABLE child ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;
