-- The lists filtered by a state, at a million cases (issue 13).
-- Kept in lock-step with the other backend's 0040.
--
-- The case list filtered by status read each unit's cases of the period in date
-- order from cases_intake_list / cases_handling_list (0037) and checked the status
-- in each entry, so a count of one state read the period's cases of every state.
-- These indexes put the status after the unit (and first for a scope too large to
-- read unit by unit), so such a list reads only its own state's entries; the other
-- filters' columns and the other unit ride along as in 0037.
CREATE INDEX cases_intake_status_list ON cases (intake_unit_id, status, created_at, id, case_type, subsidy_status, handling_unit_id);
CREATE INDEX cases_handling_status_list ON cases (handling_unit_id, status, created_at, id, case_type, subsidy_status, intake_unit_id);
CREATE INDEX cases_status_list ON cases (status, created_at, id, case_type, subsidy_status, intake_unit_id, handling_unit_id);
-- The application list checked the receiving unit (a region's scope) and the
-- state in the table's rows: each counted row a read of the table (on
-- PostgreSQL about 28 ms for a count to the cap, at any size). The same orders
-- as 0039 with the unit and the state in the entries.
CREATE INDEX applications_status_units ON applications (status, received_at, id, receiving_unit_id);
DROP INDEX applications_status_list;
CREATE INDEX applications_received_units ON applications (received_at, id, receiving_unit_id, status);
DROP INDEX applications_received_list;
CREATE INDEX applications_unit_states ON applications (receiving_unit_id, received_at, id, status);
DROP INDEX applications_unit_list;
