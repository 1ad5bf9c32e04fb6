-- Each row becomes a leaf of the audit log's Merkle tree (RFC 9162): SHA-256(0x00 || the row's hash).
-- Rows written before this migration get theirs here, the append-only trigger set aside for this one
-- statement; they get no MAC (the key lives outside the database): signed checkpoints cover them.
ALTER TABLE "audit_log" ADD COLUMN "leaf_hash" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "mac" text;--> statement-breakpoint
ALTER TABLE "audit_log" DISABLE TRIGGER "audit_log_append_only";--> statement-breakpoint
UPDATE "audit_log" SET "leaf_hash" = encode(sha256('\x00'::bytea || decode("hash", 'hex')), 'hex');--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE TRIGGER "audit_log_append_only";--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "leaf_hash" SET NOT NULL;--> statement-breakpoint
-- TRUNCATE fires no row trigger: refuse it with a statement trigger, so that emptying the log takes a
-- superuser who first disables triggers (and the signed checkpoints then name it).
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
