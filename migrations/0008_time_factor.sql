-- Time limits that mean what they mean natively (docs/fidelity.md): a problem's runs are judged
-- against its stated limit times its time factor, and every results row records the factor that
-- judged it. Problems stored before this have factor 1: they were judged at the stated limit.
ALTER TABLE problems
    ADD COLUMN time_factor real NOT NULL DEFAULT 1
        CONSTRAINT problems_time_factor_check CHECK (time_factor >= 1 AND time_factor <= 4),
    ADD COLUMN time_factor_from text NOT NULL DEFAULT 'stored before time factors';
ALTER TABLE results ADD COLUMN time_factor real NOT NULL DEFAULT 1;
