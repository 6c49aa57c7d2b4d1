-- The write of one newborn-birth submission, as `core/batch.WriteBatch` sends it: one statement
-- of data-modifying CTEs — the application, 4 license uses and 4 license events, 9 tasks, 12
-- timeline events (the two co-applicant steps, the submission, the 9 tasks), the stored
-- response, each table's rows decoded by jsonb_populate_recordset (built here in SQL, where
-- the API sends them as JSON); the upload and the confirmation bound to the application, the
-- draft deleted. Part of the pgbench script `pgbench_script.py` builds (it has the rest from
-- the code itself); when the submission's write changes, change this with it. Variables:
-- app, owner, draft, upload, request (set by the script's lock statement), key, version,
-- license (an e-license's id), blob (a sealed-answers-sized text).
WITH w0 AS (INSERT INTO applications (id, owner_id, bundle, catalog_version, situation_answers,
    optional_services, answers_encrypted, client_id, submitted_at, promised_on, launched_by,
    prefill_sources)
  SELECT r.id, r.owner_id, r.bundle, r.catalog_version, r.situation_answers,
    r.optional_services, r.answers_encrypted, r.client_id, r.submitted_at, r.promised_on,
    r.launched_by, r.prefill_sources
  FROM jsonb_populate_recordset(NULL::applications, jsonb_build_array(jsonb_build_object(
    'id', :app::uuid, 'owner_id', :owner::uuid, 'bundle', 'newborn-birth', 'catalog_version', :version::text,
    'situation_answers', '{"born_in_province": "yes", "mother_employee_insured": "yes"}'::jsonb,
    'optional_services', jsonb_build_array('childcare-subsidy'), 'answers_encrypted', :blob::text,
    'client_id', 'onething-pwa', 'submitted_at', now(), 'promised_on', current_date + 7,
    'launched_by', NULL, 'prefill_sources', '{}'::jsonb)))
    WITH ORDINALITY AS r ORDER BY r.ordinality),
w1 AS (INSERT INTO license_uses (id, license_id, application_id, material, used_by, at)
  SELECT r.id, r.license_id, r.application_id, r.material, r.used_by, r.at
  FROM jsonb_populate_recordset(NULL::license_uses, (SELECT jsonb_agg(jsonb_build_object(
    'id', gen_random_uuid(), 'license_id', :license::uuid, 'application_id', :app::uuid,
    'material', 'm' || n, 'used_by', :owner::uuid, 'at', now())) FROM generate_series(1, 4) AS n))
    WITH ORDINALITY AS r ORDER BY r.ordinality),
w2 AS (INSERT INTO license_events (license_id, at, kind, actor_sub, client_id, detail)
  SELECT r.license_id, r.at, r.kind, r.actor_sub, r.client_id, r.detail
  FROM jsonb_populate_recordset(NULL::license_events, (SELECT jsonb_agg(jsonb_build_object(
    'license_id', :license::uuid, 'at', now(), 'kind', 'used', 'actor_sub', :owner::uuid,
    'client_id', 'onething-pwa', 'detail', jsonb_build_object('application', :app::uuid,
    'material', 'm' || n))) FROM generate_series(1, 4) AS n))
    WITH ORDINALITY AS r ORDER BY r.ordinality),
w3 AS (INSERT INTO application_tasks (id, application_id, service, department, state,
    waits_for, time_limit_days, attachments, updated_at)
  SELECT r.id, r.application_id, r.service, r.department, r.state, r.waits_for,
    r.time_limit_days, r.attachments, r.updated_at
  FROM jsonb_populate_recordset(NULL::application_tasks, (SELECT jsonb_agg(jsonb_build_object(
    'id', gen_random_uuid(), 'application_id', :app::uuid, 'service', 'service-' || n,
    'department', 'health-commission',
    'state', CASE WHEN n < 5 THEN 'submitted' ELSE 'waiting_upstream' END,
    'waits_for', CASE WHEN n < 5 THEN '[]'::jsonb ELSE '["hukou-birth-registration"]' END,
    'time_limit_days', 5, 'attachments', '[]'::jsonb, 'updated_at', now()))
    FROM generate_series(1, 9) AS n))
    WITH ORDINALITY AS r ORDER BY r.ordinality),
w4 AS (INSERT INTO application_events (application_id, task_id, at, kind, from_state,
    to_state, actor_kind, actor_sub, act_sub, client_id, detail)
  SELECT r.application_id, r.task_id, r.at, r.kind, r.from_state, r.to_state, r.actor_kind,
    r.actor_sub, r.act_sub, r.client_id, r.detail
  FROM jsonb_populate_recordset(NULL::application_events, (SELECT jsonb_agg(jsonb_build_object(
    'application_id', :app::uuid, 'task_id', NULL, 'at', now(),
    'kind', CASE WHEN n = 0 THEN 'application.submitted' ELSE 'task.created' END,
    'from_state', NULL, 'to_state', 'submitted',
    'actor_kind', CASE WHEN n = 0 THEN 'resident' ELSE 'system' END, 'actor_sub', :owner::uuid,
    'act_sub', NULL, 'client_id', 'onething-pwa',
    'detail', '{"waits_for": ["hukou-birth-registration"]}'::jsonb))
    FROM generate_series(0, 11) AS n))
    WITH ORDINALITY AS r ORDER BY r.ordinality),
w5 AS (INSERT INTO idempotency_keys (client_id, subject, key, operation, request_hash,
    response_status, response_body, created_at, expires_at)
  SELECT r.client_id, r.subject, r.key, r.operation, r.request_hash, r.response_status,
    r.response_body, r.created_at, r.expires_at
  FROM jsonb_populate_recordset(NULL::idempotency_keys, jsonb_build_array(jsonb_build_object(
    'client_id', 'onething-pwa', 'subject', :owner::uuid, 'key', 'pgbench-' || :key::text || '-' || :app::uuid,
    'operation', 'submitApplication', 'request_hash', md5(:app::text) || md5(:key::text),
    'response_status', 201,
    'response_body', '\x' || encode(convert_to(repeat('{"id":"x"}', 260), 'UTF8'), 'hex'),
    'created_at', now(), 'expires_at', now() + interval '24 hours')))
    WITH ORDINALITY AS r ORDER BY r.ordinality),
w6 AS (UPDATE application_materials SET application_id = :app::uuid WHERE id = ANY(ARRAY[:upload::uuid]::uuid[])),
w7 AS (UPDATE co_applicant_requests SET application_id = :app::uuid
  WHERE id = ANY(ARRAY[:request::uuid]::uuid[])),
w8 AS (DELETE FROM application_drafts WHERE id = :draft::uuid AND owner_id = :owner::uuid)
SELECT 1;
