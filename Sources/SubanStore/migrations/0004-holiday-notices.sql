-- holiday notices loaded at run time
-- A year's State Council notice, loaded by operators without a rebuild; it
-- overrides the arrangement shipped in the binary for the same year.
CREATE TABLE holiday_arrangements (
    year int PRIMARY KEY,
    holidays date[] NOT NULL,
    make_up_workdays date[] NOT NULL,
    source text,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
