-- Hand-written: the audit log and its checkpoints are append-only for every database role.
-- A superuser can still bypass triggers (session_replication_role = replica, ALTER TABLE … DISABLE
-- TRIGGER); the hash chain and the signed checkpoints exist so that such tampering is detected.

CREATE FUNCTION strata_refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_entry_append_only
  BEFORE UPDATE OR DELETE ON "audit_entry"
  FOR EACH ROW EXECUTE FUNCTION strata_refuse_audit_change();

CREATE TRIGGER audit_entry_no_truncate
  BEFORE TRUNCATE ON "audit_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION strata_refuse_audit_change();

CREATE TRIGGER audit_checkpoint_append_only
  BEFORE UPDATE OR DELETE ON "audit_checkpoint"
  FOR EACH ROW EXECUTE FUNCTION strata_refuse_audit_change();

CREATE TRIGGER audit_checkpoint_no_truncate
  BEFORE TRUNCATE ON "audit_checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION strata_refuse_audit_change();
