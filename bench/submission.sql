-- pgbench script: the SQL one newborn-birth submission runs, in one transaction, with the
-- same round trips as the API (captured from it with a cursor listener): idempotency lock and
-- look-up, catalog release check, the draft and its co-applicant confirmation (looked up, bound
-- to the application, the draft deleted), the application, its 9 tasks, its 4 dispatch jobs,
-- the stored response, its 12 timeline events (2 of them the confirmation's history).
-- Variables: owner (a resident's id), blob (a sealed-answers-sized text). The draft keys are
-- random here (no row): the ceiling is if anything generous. The ceiling for the API's
-- submission rate.
\set key random(1, 9000000000000000)
BEGIN;
SELECT pg_try_advisory_xact_lock(:key) AS locked, gen_random_uuid() AS app \gset
SELECT response_body FROM idempotency_keys
  WHERE client_id = 'onething-pwa' AND subject = :owner AND key = 'pgbench-' || :key;
SELECT gen_random_uuid() AS draft \gset
SELECT id, owner_id FROM application_drafts WHERE id = :draft;
SELECT id, facts_digest, status FROM co_applicant_requests
  WHERE draft_id = :draft AND superseded_at IS NULL AND application_id IS NULL
  ORDER BY created_at DESC LIMIT 1 FOR UPDATE;
SELECT version FROM catalog_releases ORDER BY version LIMIT 1 \gset
INSERT INTO applications (id, owner_id, bundle, catalog_version, situation_answers,
    optional_services, answers_encrypted, client_id, submitted_at, promised_on)
  VALUES (:app, :owner, 'newborn-birth', :version,
    '{"born_in_province": "yes", "mother_employee_insured": "yes"}',
    ARRAY['childcare-subsidy'], :blob, 'onething-pwa', now(), current_date + 7);
INSERT INTO application_tasks (id, application_id, service, department, state, waits_for,
    time_limit_days, attachments, updated_at)
  VALUES
    (gen_random_uuid(), :app, 'birth-medical-certificate', 'health-commission', 'submitted', '{}', 3, '[]', now()),
    (gen_random_uuid(), :app, 'birth-registration', 'health-commission', 'submitted', '{}', 1, '[]', now()),
    (gen_random_uuid(), :app, 'hukou-birth-registration', 'public-security', 'waiting_upstream', '{birth-medical-certificate}', 5, '[]', now()),
    (gen_random_uuid(), :app, 'childcare-subsidy', 'health-commission', 'waiting_upstream', '{hukou-birth-registration}', 10, '[]', now()),
    (gen_random_uuid(), :app, 'maternity-benefits', 'healthcare-security', 'submitted', '{}', 10, '[]', now()),
    (gen_random_uuid(), :app, 'medical-insurance-enrolment', 'healthcare-security', 'waiting_upstream', '{hukou-birth-registration}', 2, '[]', now()),
    (gen_random_uuid(), :app, 'medical-insurance-premium', 'tax', 'waiting_upstream', '{medical-insurance-enrolment}', 1, '[]', now()),
    (gen_random_uuid(), :app, 'social-security-card', 'hrss', 'waiting_upstream', '{hukou-birth-registration}', 10, '[]', now()),
    (gen_random_uuid(), :app, 'vaccination-record', 'cdc', 'submitted', '{}', 5, '[]', now());
INSERT INTO pgqueuer (priority, entrypoint, payload, status)
  SELECT 0, 'applications.dispatch', convert_to('{"task_id":"' || gen_random_uuid() || '"}', 'UTF8'), 'queued'
  FROM generate_series(1, 4);
INSERT INTO idempotency_keys (client_id, subject, key, operation, request_hash, response_status,
    response_body, created_at, expires_at)
  VALUES ('onething-pwa', :owner, 'pgbench-' || :key || '-' || :app, 'submitApplication',
    md5(:app) || md5(:key::text), 201, convert_to(repeat('{"id":"x"}', 260), 'UTF8'), now(),
    now() + interval '24 hours');
INSERT INTO application_events (application_id, task_id, at, kind, from_state, to_state,
    actor_kind, actor_sub, client_id, detail)
  SELECT :app, NULL, now(), CASE WHEN n = 0 THEN 'application.submitted' ELSE 'task.created' END,
    NULL, 'submitted', CASE WHEN n = 0 THEN 'resident' ELSE 'system' END, :owner, 'onething-pwa',
    '{"waits_for": ["hukou-birth-registration"]}'
  FROM generate_series(0, 11) AS n;
SELECT id FROM co_applicant_requests WHERE draft_id = :draft AND application_id IS NULL FOR UPDATE;
UPDATE co_applicant_requests SET application_id = :app WHERE draft_id = :draft;
DELETE FROM application_drafts WHERE id = :draft AND owner_id = :owner;
END;
