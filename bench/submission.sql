-- pgbench script: the SQL one newborn-birth submission runs, with the same round trips as the
-- API (captured from it with a cursor listener, 2026-12-03): the access token's revocation
-- check, the rate-limit count (committed on its own, as the API does), the caller's user row;
-- then one transaction: idempotency lock and look-up, the draft and its co-applicant
-- confirmation, the verified upload (locked) and the draft's linked e-licenses with the grant
-- check, the catalog release, the draft again (its launch), the application, the upload bound
-- to it, 4 license events and 4 license uses, the confirmation bound, its 9 tasks, 12 timeline
-- events in two statements, 4 dispatch jobs, the draft deleted, the stored response.
-- Variables: owner (a resident's id), license (an e-license's id), blob (a sealed-answers-sized
-- text). The looked-up keys
-- are random here (no row): the ceiling is if anything generous. The ceiling for the API's
-- submission rate.
\set key random(1, 9000000000000000)
\set uid random(1, 64)
SELECT revoked_at FROM access_tokens WHERE jti = 'pgbench-' || :key::text;
BEGIN;
INSERT INTO rate_limit_hits (bucket, window_start, hits)
  VALUES ('api-user-pgbench-' || :uid::text, date_trunc('minute', now()), 1)
  ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
  RETURNING bucket, hits;
COMMIT;
SELECT id, role, department_code, name_encrypted, id_number_encrypted, phone_encrypted,
    (SELECT first_party FROM oauth_clients WHERE client_id = 'onething-pwa') AS first_party
  FROM users WHERE id = :owner;
BEGIN;
SELECT pg_try_advisory_xact_lock(:key) AS locked, gen_random_uuid() AS app \gset
SELECT response_body FROM idempotency_keys
  WHERE client_id = 'onething-pwa' AND subject = :owner AND key = 'pgbench-' || :key;
SELECT gen_random_uuid() AS draft, gen_random_uuid() AS upload, gen_random_uuid() AS request \gset
SELECT id, owner_id FROM application_drafts WHERE id = :draft;
SELECT id, facts_digest, status FROM co_applicant_requests
  WHERE draft_id = :draft AND superseded_at IS NULL AND application_id IS NULL
  ORDER BY created_at DESC LIMIT 1 FOR UPDATE;
SELECT id, status, application_id, bundle, material FROM application_materials
  WHERE id = :upload AND owner_id = :owner FOR UPDATE;
SELECT draft_licenses.material, draft_licenses.license_id, licenses.license_type,
    licenses.holder_index,
    licenses.status = 'valid' AND (licenses.holder_user_id = :owner
      OR licenses.guardian_ids @> ARRAY[:owner::uuid]
      OR EXISTS (SELECT 1 FROM license_grants WHERE license_grants.license_id = licenses.id
        AND grantee_user_id = :owner AND purpose = 'newborn-birth' AND revoked_at IS NULL
        AND valid_from <= now() AND valid_until > now())) AS usable
  FROM draft_licenses JOIN licenses ON licenses.id = draft_licenses.license_id
  JOIN application_drafts ON application_drafts.id = draft_licenses.draft_id
  WHERE draft_licenses.draft_id = :draft AND application_drafts.owner_id = :owner
  ORDER BY draft_licenses.material;
SELECT version FROM catalog_releases ORDER BY version LIMIT 1 \gset
SELECT id, owner_id, launched_by, prefill_sources FROM application_drafts WHERE id = :draft;
INSERT INTO applications (id, owner_id, bundle, catalog_version, situation_answers,
    optional_services, answers_encrypted, client_id, submitted_at, promised_on)
  VALUES (:app, :owner, 'newborn-birth', :version,
    '{"born_in_province": "yes", "mother_employee_insured": "yes"}',
    ARRAY['childcare-subsidy'], :blob, 'onething-pwa', now(), current_date + 7);
UPDATE application_materials SET application_id = :app WHERE id = :upload;
INSERT INTO license_events (license_id, at, kind, actor_sub, client_id, detail)
  SELECT :license, now(), 'used', :owner, 'onething-pwa',
    '{"application": "x", "material": "father-id-card"}'
  FROM generate_series(1, 4);
INSERT INTO license_uses (id, license_id, application_id, material, used_by, at)
  SELECT gen_random_uuid(), :license, :app, 'm' || n, :owner, now()
  FROM generate_series(1, 4) AS n;
SELECT id FROM co_applicant_requests WHERE draft_id = :draft AND application_id IS NULL
  ORDER BY created_at FOR UPDATE;
UPDATE co_applicant_requests SET application_id = :app WHERE id = :request;
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
DELETE FROM application_drafts WHERE id = :draft AND owner_id = :owner;
END;
