-- The person, application and consultation lists at scale (issue 13; a
-- million of each).
-- Kept in lock-step with the other backend's 0039.
--
-- The lists show the newest first under the filters that are set and count only
-- up to a cap. A unit's persons are read from (unit_id, id) backwards; a unit's
-- applications from (receiving_unit_id, received_at, id), those in one state from
-- (status, received_at, id), a region's or everyone's from (received_at, id): each
-- one index range in the list's order, stopped at the page; consultations, newest
-- first, from (consulted_at, id) or a unit's (unit_id, consulted_at, id). The
-- indexes on the first columns alone are dropped (each new one begins with them).
CREATE INDEX persons_unit_list ON persons (unit_id, id);
DROP INDEX persons_unit;
CREATE INDEX applications_unit_list ON applications (receiving_unit_id, received_at, id);
DROP INDEX applications_unit;
CREATE INDEX applications_status_list ON applications (status, received_at, id);
DROP INDEX applications_status;
CREATE INDEX applications_received_list ON applications (received_at, id);
CREATE INDEX consultations_at_list ON consultations (consulted_at, id);
CREATE INDEX consultations_unit_list ON consultations (unit_id, consulted_at, id);
