-- The audit trail's search at scale (issue 13; ten million entries and more).
-- Kept in lock-step with the other backend's 0038.
--
-- The search lists entries newest first (by seq) under the filters that are set,
-- and counts them only up to a cap. Each filter's index ends with seq, so a
-- filtered page is one index range read backwards from its start and stopped at
-- the page: an actor's, an entity's or an action's entries, however many.
CREATE INDEX audit_actor_seq ON audit_log (actor_user_id, seq);
CREATE INDEX audit_entity_seq ON audit_log (entity_type, entity_id, seq);
CREATE INDEX audit_action_seq ON audit_log (action, seq);
DROP INDEX audit_actor;
DROP INDEX audit_entity;
