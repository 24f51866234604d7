-- Programs a problem ships: grader sources compiled with every candidate (IOI function tasks),
-- as [{"name": "grader.cpp", "hash": "<hex blob hash>"}]. Custom checkers are referenced from
-- problems.checker by the hash of their compiled module.
ALTER TABLE problems ADD COLUMN grader jsonb NOT NULL DEFAULT '[]';
-- What an importer could not use, kept with the problem so that it can be shown later.
ALTER TABLE problems ADD COLUMN import_warnings text[] NOT NULL DEFAULT '{}';
