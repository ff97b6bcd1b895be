-- area's expression changes (column rebuilt), frozen becomes a plain column
-- (DROP EXPRESSION), perimeter is new.
CREATE TABLE box (id int PRIMARY KEY, w numeric NOT NULL, h numeric NOT NULL, area numeric GENERATED ALWAYS AS (w * h * 1.0) STORED,
                  frozen numeric, perimeter numeric GENERATED ALWAYS AS (2 * (w + h)) STORED);
