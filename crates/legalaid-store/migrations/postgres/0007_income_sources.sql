-- The household's income by source (JSON list) and assets, for the means review.
-- Kept in lock-step with ../sqlite/0007_income_sources.sql.

ALTER TABLE applications ADD COLUMN income_sources TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN assets TEXT NOT NULL DEFAULT '';
