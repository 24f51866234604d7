-- Deleting candidates and problems collects the builds nobody uses any more: this index finds a
-- build's results without reading them all (candidates_build_idx does it for candidates).
CREATE INDEX results_build_idx ON results (build_key);
