-- Separation of duties (三员, GB/T 22239, issue 19 part 2): the centre administrator, who kept the
-- organisation, granted roles and keys, is split into system, security and audit administrators.
-- Existing centre administrators keep what they did most (the organisation and the catalogue) and
-- become system administrators; a centre's security and audit administrators are granted afterwards
-- (from the centre above, or at the regional centre with `npm run officers:grant`).
UPDATE "officers" SET "role" = 'system_administrator', "updated_at" = now() WHERE "role" = 'centre_administrator';--> statement-breakpoint
ALTER TABLE "officers" ADD CONSTRAINT "officers_role_check" CHECK (role in ('window_officer', 'chief_representative', 'department_leader', 'system_administrator', 'security_administrator', 'audit_administrator', 'supervisor'));
