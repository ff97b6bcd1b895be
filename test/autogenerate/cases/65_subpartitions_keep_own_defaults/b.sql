-- The root retypes q and r (their defaults are dropped and set again on every level), adds w and a default on z.
CREATE TABLE m (id int NOT NULL, r varchar(20) DEFAULT 'y', q bigint DEFAULT 2, k date NOT NULL, z text DEFAULT 'zz', w int DEFAULT 4) PARTITION BY RANGE (k);
CREATE TABLE m1 PARTITION OF m (r DEFAULT 'mid2') FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY RANGE (k);
CREATE TABLE m1a PARTITION OF m1 (q DEFAULT 3, w DEFAULT 5) FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE m1b PARTITION OF m1 (z NOT NULL) FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
CREATE TABLE m2 PARTITION OF m (q DEFAULT 8) FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
