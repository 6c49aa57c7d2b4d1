-- pgbench script: the SQL one newborn-birth submission runs, with the same round trips as the
-- API (2026-12-04): the request gate (one autocommit statement, its commit not waiting for the
-- WAL flush: the access token's revocation check, the rate-limit count, the caller's account); then one transaction: the idempotency
-- lock and look-up, one read of the draft, the catalog release check, the draft's
-- co-applicant requests (locked) and the verified upload (locked); the draft's linked
-- e-licenses with the grant check, everything the submission writes in one statement (`WriteBatch`: the
-- application, 9 tasks, 4 license uses and 4 license events, 12 timeline events — the two
-- co-applicant steps, the submission, the 9 tasks — each table's rows decoded by
-- jsonb_populate_recordset; the upload and the confirmation bound, the draft deleted, the
-- stored response), the 4 dispatch jobs (pgqueuer's own enqueue, with its log rows), COMMIT.
-- Variables: owner (a resident's id), license (an e-license's id), blob (a sealed-answers-sized
-- text), version (the catalog release). The looked-up keys are random here (no row; the write's
-- rows are built in SQL): the ceiling is if anything generous.
\set key random(1, 9000000000000000)
\set uid random(1, 64)
WITH token AS (SELECT revoked_at FROM access_tokens WHERE jti = 'pgbench-' || :key::text),
counted AS (
    INSERT INTO rate_limit_hits AS h (bucket, window_start, hits)
    SELECT bucket, date_trunc('minute', now()), 1
    FROM unnest(ARRAY['api-user-pgbench-' || :uid::text]) AS bucket
    WHERE NOT EXISTS (SELECT 1 FROM token WHERE revoked_at IS NOT NULL)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = h.hits + 1
    RETURNING bucket, hits)
SELECT EXISTS (SELECT 1 FROM token WHERE revoked_at IS NULL) AS standing,
    (SELECT array_agg(bucket ORDER BY bucket) FROM counted) AS buckets,
    (SELECT array_agg(hits ORDER BY bucket) FROM counted) AS hits,
    u.id AS account_id, u.role, u.department_code, u.disabled_at,
    (SELECT first_party FROM oauth_clients WHERE client_id = 'onething-pwa') AS first_party,
    set_config('synchronous_commit', 'off', true) AS commit_mode
FROM (SELECT 1) AS one LEFT JOIN users AS u ON u.id = :owner;
BEGIN;
SELECT pg_try_advisory_xact_lock(:key) AS locked, gen_random_uuid() AS app,
    gen_random_uuid() AS draft, gen_random_uuid() AS upload, gen_random_uuid() AS request \gset
SELECT response_body, expires_at, operation, request_hash FROM idempotency_keys
  WHERE client_id = 'onething-pwa' AND subject = :owner AND key = 'pgbench-' || :key;
WITH draft AS (
    SELECT id, answers_encrypted, launched_by, prefill_sources FROM application_drafts
    WHERE id = :draft AND owner_id = :owner),
requests AS (
    SELECT id, status, reason, facts_digest, services, created_at, requested_by,
        requested_act, requested_client, decided_at, decided_by, decided_act, decided_client,
        superseded_at
    FROM co_applicant_requests
    WHERE true AND draft_id = :draft AND application_id IS NULL AND EXISTS (SELECT 1 FROM draft)
    ORDER BY created_at FOR UPDATE),
uploads AS (
    SELECT id, status, application_id, bundle, material FROM application_materials
    WHERE id = ANY(ARRAY[:upload]::uuid[]) AND owner_id = :owner FOR UPDATE)
SELECT EXISTS (SELECT 1 FROM catalog_releases WHERE version = :version) AS published,
    (SELECT to_jsonb(draft) FROM draft)::text AS draft,
    (SELECT coalesce(jsonb_agg(to_jsonb(requests) ORDER BY created_at), '[]')
        FROM requests)::text AS requests,
    (SELECT coalesce(jsonb_agg(to_jsonb(uploads)), '[]') FROM uploads)::text AS uploads;
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
WITH input AS MATERIALIZED (
  SELECT nextval((SELECT pg_get_serial_sequence('pgqueuer', 'id'))) AS id, priority,
    entrypoint, payload, execute_after, dedupe_key, headers, ord
  FROM unnest(ARRAY[0, 0, 0, 0]::int[],
    ARRAY['applications.dispatch', 'applications.dispatch', 'applications.dispatch',
      'applications.dispatch']::text[],
    ARRAY[convert_to('{"task_id":"' || gen_random_uuid() || '"}', 'UTF8'),
      convert_to('{"task_id":"' || gen_random_uuid() || '"}', 'UTF8'),
      convert_to('{"task_id":"' || gen_random_uuid() || '"}', 'UTF8'),
      convert_to('{"task_id":"' || gen_random_uuid() || '"}', 'UTF8')]::bytea[],
    ARRAY[NULL, NULL, NULL, NULL]::interval[], ARRAY[NULL, NULL, NULL, NULL]::text[],
    ARRAY[NULL, NULL, NULL, NULL]::jsonb[])
    WITH ORDINALITY AS t(priority, entrypoint, payload, execute_after, dedupe_key, headers, ord)),
inserted AS (
  INSERT INTO pgqueuer AS job (id, priority, entrypoint, payload, execute_after, dedupe_key,
    headers, status)
  SELECT id, priority, entrypoint, payload, coalesce(execute_after, '0'::interval) + now(),
    dedupe_key, headers, 'queued' FROM input
  RETURNING id, entrypoint, priority, dedupe_key),
logged AS (
  INSERT INTO pgqueuer_log (job_id, status, entrypoint, priority)
  SELECT id, 'queued', entrypoint, priority FROM inserted)
SELECT i.ord, ins.id FROM inserted ins JOIN input i ON i.id = ins.id ORDER BY i.ord;
END;
