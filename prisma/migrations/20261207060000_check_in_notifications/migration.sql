-- Tells every replica, on channel ota_check_in, which devices may have a new check-in answer
-- after a committed change, so a replica can answer revalidations (If-None-Match) from memory.
-- Statement-level, from transition tables: at most one notification per organization per
-- statement, whatever the path that wrote (reports, releases, cancellations, timeouts,
-- deletions). Only changes a check-in can show count: rows released and unfinished before or
-- after, with a difference in what the answer or its ETag carries (progress alone changes
-- neither). Payload: {"o": organization, "d": [device ids]}, or {"o": organization} for every
-- device of it (more than 256 devices, or a list too long for a NOTIFY payload of 8000 bytes),
-- or {"all": true} after a TRUNCATE. The status list is RELEASED_STATUSES (update-state.ts).

-- devices: up to 257 {o, d} of the changed rows, null for none. organizations: all of theirs.
CREATE FUNCTION ota.notify_check_in(devices jsonb, organizations jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  org record;
  payload text;
BEGIN
  IF devices IS NULL THEN
    RETURN;
  END IF;
  IF jsonb_array_length(devices) > 256 THEN
    PERFORM pg_notify('ota_check_in', jsonb_build_object('o', o)::text) FROM jsonb_array_elements_text(organizations) AS o;
    RETURN;
  END IF;
  FOR org IN
    SELECT c.o, jsonb_agg(DISTINCT c.d) AS devices FROM jsonb_to_recordset(devices) AS c(o text, d text) GROUP BY c.o
  LOOP
    payload := jsonb_build_object('o', org.o, 'd', org.devices)::text;
    IF octet_length(payload) > 7900 THEN
      payload := jsonb_build_object('o', org.o)::text;
    END IF;
    PERFORM pg_notify('ota_check_in', payload);
  END LOOP;
END $$;

CREATE FUNCTION ota.notify_check_in_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ota.notify_check_in(s.devices, s.organizations)
     FROM (WITH changed AS MATERIALIZED (SELECT n.organization_id AS o, n.device_id AS d FROM new_rows n WHERE n.status IN ('scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'))
           SELECT (SELECT jsonb_agg(jsonb_build_object('o', few.o, 'd', few.d)) FROM (SELECT * FROM changed LIMIT 257) few) AS devices,
                  (SELECT jsonb_agg(DISTINCT changed.o) FROM changed) AS organizations) s;
  RETURN NULL;
END $$;

CREATE FUNCTION ota.notify_check_in_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ota.notify_check_in(s.devices, s.organizations)
     FROM (WITH changed AS MATERIALIZED (SELECT r.organization_id AS o, r.device_id AS d FROM old_rows r WHERE r.status IN ('scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'))
           SELECT (SELECT jsonb_agg(jsonb_build_object('o', few.o, 'd', few.d)) FROM (SELECT * FROM changed LIMIT 257) few) AS devices,
                  (SELECT jsonb_agg(DISTINCT changed.o) FROM changed) AS organizations) s;
  RETURN NULL;
END $$;

CREATE FUNCTION ota.notify_check_in_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ota.notify_check_in(s.devices, s.organizations)
     FROM (WITH changed AS MATERIALIZED (
             SELECT n.organization_id AS o, n.device_id AS d
               FROM new_rows n JOIN old_rows r ON r.organization_id = n.organization_id AND r.update_id = n.update_id
              WHERE (r.status IN ('scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting') OR n.status IN ('scheduled', 'in_progress', 'downloading', 'verifying', 'installing', 'awaiting_activation', 'rebooting'))
                AND (r.status, r.retry_count, r.timeout_at, r.firmware_id, r.to_version, r.kind, r.force, r.activation, r.device_id)
                    IS DISTINCT FROM (n.status, n.retry_count, n.timeout_at, n.firmware_id, n.to_version, n.kind, n.force, n.activation, n.device_id))
           SELECT (SELECT jsonb_agg(jsonb_build_object('o', few.o, 'd', few.d)) FROM (SELECT * FROM changed LIMIT 257) few) AS devices,
                  (SELECT jsonb_agg(DISTINCT changed.o) FROM changed) AS organizations) s;
  RETURN NULL;
END $$;

CREATE FUNCTION ota.notify_check_in_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ota_check_in', '{"all": true}');
  RETURN NULL;
END $$;

CREATE TRIGGER check_in_inserted AFTER INSERT ON ota.device_updates
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ota.notify_check_in_inserted();
CREATE TRIGGER check_in_deleted AFTER DELETE ON ota.device_updates
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ota.notify_check_in_deleted();
CREATE TRIGGER check_in_updated AFTER UPDATE ON ota.device_updates
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ota.notify_check_in_updated();
CREATE TRIGGER check_in_truncated AFTER TRUNCATE ON ota.device_updates
  FOR EACH STATEMENT EXECUTE FUNCTION ota.notify_check_in_truncated();
