-- The case list at scale (issue 13, ADR 0037). Kept in lock-step with the other
-- backend's 0037.
--
-- The list reads each unit's cases newest first, one index range for the cases
-- it received and one for those it handles, and stops at the page (or, for the
-- count, one past the cap). The filters' columns and the other unit ride in the
-- index, so a status, type or subsidy filter and the visibility are checked, and
-- the count is made, without reading the case rows. A handler's cases and the
-- newest cases of a large scope have their own ranges. These indexes take over
-- from the single-column ones on the same leading column.
CREATE INDEX cases_intake_list ON cases (intake_unit_id, created_at, id, status, case_type, subsidy_status, handling_unit_id);
CREATE INDEX cases_handling_list ON cases (handling_unit_id, created_at, id, status, case_type, subsidy_status, intake_unit_id);
CREATE INDEX cases_handler_list ON cases (handler_id, created_at, id);
CREATE INDEX cases_created_list ON cases (created_at, id, status, case_type, subsidy_status, intake_unit_id, handling_unit_id);
DROP INDEX cases_intake_unit;
DROP INDEX cases_handling_unit;
DROP INDEX cases_handler;
DROP INDEX cases_created;
