/**
 * Generated from openapi/openapi.json by `npm run client:generate` (openapi-typescript). Do not edit.
 */

export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics of this replica: HTTP durations by route and status, process figures. */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed what through this API in the caller's organization (every write by a user, API
         *     key or service, with its request id and client address), newest first; kept for
         *     AUDIT_RETENTION_DAYS.
         */
        get: operations["listAuditEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/dev-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issues a development token (same body as the platform auth service). Exists only when
         *     `AUTH_DEV_TOKENS` is on, which it is by default in embedded development mode.
         */
        post: operations["createDevToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who these credentials belong to: kind, organization, roles and expiry. A client (the console
         *     among them) checks pasted credentials with it and shows only what the roles allow; the
         *     service still decides on every request.
         */
        get: operations["getCurrentPrincipal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lists the organization's API keys, newest first (secrets are never shown). */
        get: operations["listApiKeys"];
        put?: never;
        /** Creates an API key for the caller's organization. The response is the only place the key appears. */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{api_key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revokes an API key; it stops working at once. Revoking a revoked key is harmless. */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's campaigns, newest first. */
        get: operations["listCampaigns"];
        put?: never;
        /**
         * Creates a campaign: `created`, or `pending_approval` when it requires approval. Targets are
         *     resolved when it starts; `target_device_count` and `stage_plan` say what a start would select now.
         */
        post: operations["createCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The dry run of a campaign body: what a start would select now, stage by stage, what it would
         *     leave out and why, the next window openings and an estimated duration. Validated as create;
         *     writes nothing.
         */
        post: operations["planCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The campaign with its progress, stage plan and timeline. */
        get: operations["getCampaign"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Changes settings before the start (409 after); an approved campaign needs approving again. */
        patch: operations["updateCampaign"];
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Starts the campaign, resolving its targets now (a `scheduled` one waits for `scheduled_start`).
         *     Starting a running campaign changes nothing; a paused one resumes.
         */
        post: operations["startCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Releases nothing new; updates already with devices go on and are counted. */
        post: operations["pauseCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Continues a paused campaign. */
        post: operations["resumeCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancels every unfinished update; devices holding one are told, and their next check-in has none. */
        post: operations["cancelCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approves or rejects (for good) a campaign waiting for approval; an admin other than its creator. */
        post: operations["approveCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rolls every device the campaign completed back to its own previous version, after cancelling what is unfinished. */
        post: operations["rollbackCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/advance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Opens the next stage now without waiting for its gate (blue-green: switches now). */
        post: operations["advanceCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Creates a campaign over the devices whose update failed (timeouts included) in this finished
         *     campaign: same settings, `retry_of` naming it, those devices as its explicit targets.
         */
        post: operations["retryCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The campaign's devices: stage, status and update of each (and their rollback updates). */
        get: operations["listCampaignDevices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{campaign_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The campaign's transitions and counts, live, as Server-Sent Events.
         * @description A `text/event-stream` (Server-Sent Events) that stays open until the client closes it. Messages:
         *
         *     - `event: transition`, `id: <timeline row id>`, `data:` the timeline entry (`CampaignTimelineEntryDto`) with
         *       `campaign_id`: one per transition, in order. Without `Last-Event-ID` the stream starts with the whole
         *       timeline; with it, after that entry (EventSource sends it when it reconnects).
         *     - `event: counts`, `data:` the campaign stats (`CampaignStatsResponseDto`, as `GET /api/v1/stats/campaigns/{id}`):
         *       on connecting, then at most once a second and only when they changed.
         *     - `: heartbeat` comments every 15 s while nothing else is sent.
         *
         *     Every replica serves the same messages: they are read from the database. The stream ends when the
         *     credential that opened it expires (a token's `exp`, an API key's expiry): reconnect with a fresh one.
         */
        get: operations["streamCampaignEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lists the organization's devices, newest first, with filters. */
        get: operations["listDevices"];
        put?: never;
        /**
         * Registers a device (201, with its `device_token`, shown only this once), or updates the
         *     device with the same `device_id` (200, no token; absent fields keep their values).
         */
        post: operations["registerDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Registers or updates up to 100 000 devices: a JSON array, or NDJSON (one device object per
         *     line, read as a stream), each with the fields of `POST /devices`. Bad rows are reported in
         *     `failed` (with their 0-based index) and do not stop the good ones; the good rows are written
         *     all together or, on a server failure, not at all. A `device_id` repeated in one import is taken
         *     from its first row; later rows with it are reported in `failed`. Imported devices get **no
         *     token**: issue one with `POST /devices/{device_id}/token`. More than 100 000 rows, or a body
         *     over `DEVICE_IMPORT_MAX_BYTES`, is refused with 413 and nothing is written.
         */
        post: operations["importDevices"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{device_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One device. */
        get: operations["getDevice"];
        put?: never;
        post?: never;
        /** Deletes the device (its unfinished updates are cancelled) and emits `device.deleted`. */
        delete: operations["deleteDevice"];
        options?: never;
        head?: never;
        /** Replaces the device's `groups`, `tags` and/or `attributes` (each one given). */
        patch: operations["updateDevice"];
        trace?: never;
    };
    "/api/v1/devices/{device_id}/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Issues a new device token (shown only in this answer); the previous token stops working at once. */
        post: operations["rotateDeviceToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every group used by the organization's devices, by name, with its number of devices. */
        get: operations["listDeviceGroups"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-api/devices/{device_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The device's registration as the service knows it (no token). Records that the device was seen. */
        get: operations["getDeviceRegistration"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-api/devices/{device_id}/updates/{update_id}/confirmation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The device's consent to an update that asks for it (`confirmation_required`): `confirmed`
         *     releases it (its timeout starts), a refusal keeps it waiting and is kept in its timeline.
         *     409 `update/not_awaiting_confirmation` when the update does not wait for consent.
         */
        post: operations["confirmDeviceUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-api/devices/{device_id}/updates/{update_id}/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * After completing a campaign update with a health window: whether the device runs the new
         *     image well. `healthy: false` fails the update (`health_check`). 409 `update/no_health_check`
         *     when no health window is open.
         */
        post: operations["reportDeviceUpdateHealth"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/firmware": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lists the organization's firmware, newest first. */
        get: operations["listFirmware"];
        put?: never;
        /**
         * Uploads a firmware image: multipart with a text part `metadata` (JSON object) followed by a
         *     file part `file`. 201 when created; 200 with the existing record when the same image
         *     (device model, version and content) is already there. One file part only, and the body must
         *     end with its closing boundary (400 otherwise).
         */
        post: operations["uploadFirmware"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/firmware/{firmware_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One firmware. */
        get: operations["getFirmware"];
        put?: never;
        post?: never;
        /** Deletes a firmware and its binary; 409 while an unfinished update or campaign uses it. */
        delete: operations["deleteFirmware"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/firmware/{firmware_id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A short-lived URL that serves the binary (with `Range` support), plus its checksums and size. */
        get: operations["getFirmwareDownload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signing-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The keys that can verify this organization's firmware: configured ones and registered ones. */
        get: operations["listSigningKeys"];
        put?: never;
        /** Registers an Ed25519 public key that verifies firmware signatures of this organization. */
        post: operations["createSigningKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signing-keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Removes a registered key; firmware it verified stays verified. */
        delete: operations["deleteSigningKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: 200 while the process serves requests. */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/detailed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness with a report per dependency; 503 when a required one (the database) is down. */
        get: operations["getDetailedHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{device_id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rolls the device back to `to_version`: cancels its unfinished update and releases an update
         *     of kind `rollback` to that firmware. `rollback.completed` follows when the device completes it.
         */
        post: operations["rollbackDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/service/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Service name, version, port, endpoint counts by area and enabled features. */
        get: operations["getServiceStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Campaign and update counts, success rate, average update time, data transferred, last 24 hours and breakdowns. */
        get: operations["getFleetStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stats/campaigns/{campaign_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A campaign's progress: the original's keys, counts by state, each stage against the threshold,
         *     the failure rate, the release rate over the last minute and an ETA.
         */
        get: operations["getCampaignStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/downloads/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Downloads a firmware binary through a signed, expiring link (GET or HEAD, resumable with Range).
         * @description The `download_url` issued by `GET /api/v1/firmware/{firmware_id}/download` when firmware is stored on the service's filesystem; the link itself is the credential. With S3 storage, links point at S3 and this route answers 404. `HEAD` answers the same headers without a body. `Range: bytes=start-end`, `bytes=start-` and `bytes=-suffix` resume an interrupted download (RFC 9110); `If-Range` with the `ETag` makes sure the file is unchanged. A `Range` header that does not parse is ignored: the answer is 200 with the whole file.
         */
        get: operations["serveDownload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/targets/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Counts the devices a campaign with these targets would hit (matched, compatible, already on
         *     the version, selected) and lists the first 20 selected, before the campaign exists.
         */
        post: operations["previewTargets"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/bulk/update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Creates an update for each listed device (up to 10 000) in a few statements. Every device's
         *     outcome is reported on its own (`device/not_found`, `update/incompatible`,
         *     `update/device_busy`, `update/duplicate_device_id` for an id listed again); the others go ahead.
         */
        post: operations["bulkUpdateDevices"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{device_id}/update": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Creates an update of the device to a firmware and releases it at once. The firmware must fit
         *     the device (model, hardware range) unless `force_update`; a device with an unfinished update
         *     is 409 unless `force_update`, which cancels that one first; a device already on the version
         *     gets an update that is completed at once.
         */
        post: operations["createDeviceUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{device_id}/updates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The device's newest updates with counts over all of them. */
        get: operations["listDeviceUpdates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/updates/{update_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The update, its firmware and its timeline of status changes. */
        get: operations["getUpdate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/updates/{update_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancels an unfinished update and tells the device; 409 `update/invalid_transition` once it finished. */
        post: operations["cancelUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/updates/{update_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Releases a failed update again now (`retry_count` + 1); 409 unless it failed
         *     (`update/invalid_transition`) or when its retries are used up (`update/retries_exhausted`).
         */
        post: operations["retryUpdate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the organization has a webhook secret, who made it and when; never the secret. */
        get: operations["getWebhookSecret"];
        put?: never;
        /**
         * Creates the organization's webhook secret, or replaces it (deliveries are signed with the new
         *     one from now on). The secret is in this answer only.
         */
        post: operations["createWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook deliveries of the organization's campaign events and how each went, newest first. */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-api/devices/{device_id}/check-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The device's periodic check-in: records that it was seen and the firmware it runs, and
         *     answers its released, unfinished update (null when there is none) with a download link and
         *     when to check in next. Send the `ETag` of the last answer in `If-None-Match`: 304 (no body)
         *     while nothing changed. The link is stable for half its lifetime, then a new one is handed out.
         */
        post: operations["checkInDevice"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device-api/devices/{device_id}/updates/{update_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The device reports the phase of one of its updates (and progress within it). Phases may be
         *     skipped, never gone back; repeating the current phase updates progress (written at most once
         *     a second); `completed` records the device's new version (another version than the update's
         *     fails it with `version_mismatch`).
         */
        post: operations["reportDeviceUpdateStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AuditEventResponseDto: {
            /**
             * @description What kind of caller made the write.
             * @enum {string}
             */
            actor_kind: "user" | "api_key" | "service";
            audit_event_id: string;
            organization_id: string;
            /** @description The user id (`sub`), API key id or service. */
            actor_id: string;
            /** @description The caller's roles when it made the write. */
            actor_roles: string[];
            /** @description `<resource type>.<what happened>`, e.g. `firmware.uploaded`, `campaign.paused`. */
            action: string;
            resource_type: string;
            /** @description Null for an action on many resources at once (a device import, a bulk update). */
            resource_id: string | null;
            /** @description Key fields of a creation, or the changed fields with their new values; bounded in size, never secrets. */
            summary: {
                [key: string]: unknown;
            };
            /** @description The `X-Request-Id` of the request that made the write. */
            request_id: string | null;
            /** @description The caller's address (the client address forwarded by a trusted proxy under TRUST_PROXY). */
            client_ip: string | null;
            created_at: string;
        };
        AuditEventListResponseDto: {
            audit_events: components["schemas"]["AuditEventResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        FieldErrorDto: {
            /**
             * @description Where the problem is, e.g. `["body", "rollout_percentage"]`.
             * @example [
             *       "body",
             *       "name"
             *     ]
             */
            loc: (string | number)[];
            /** @description What is wrong with it. */
            msg: string;
            /** @description A stable name for the rule it broke, e.g. `missing`, `isInt`. */
            type: string;
        };
        ErrorResponseDto: {
            /** @description Human-readable explanation. */
            detail: string;
            /** @description Stable machine-readable code, e.g. `auth/token_expired`. */
            code: string;
            /** @description Id of the request, also in the `X-Request-Id` header and the logs. */
            request_id: string;
            /** @description Present on 422: every invalid field. */
            errors?: components["schemas"]["FieldErrorDto"][];
        };
        DevTokenRequestDto: {
            /**
             * @description Role of the token; `admin` when omitted (development only).
             * @enum {string}
             */
            role?: "viewer" | "operator" | "admin";
            user_id: string;
            /** Format: email */
            email: string;
            /** @description Organization the token acts for; the configured default when omitted. */
            organization_id?: string;
            /** @description Lifetime in seconds; never more than `JWT_MAX_LIFETIME_SECONDS` (24 h by default). */
            expires_in?: number;
        };
        DevTokenResponseDto: {
            /**
             * @example Bearer
             * @enum {string}
             */
            token_type: "Bearer";
            /** @description A signed JWT; send it as `Authorization: Bearer <token>`. */
            token: string;
            /** @description Seconds until it expires. */
            expires_in: number;
            user_id: string;
        };
        CurrentPrincipalResponseDto: {
            /**
             * @description How the caller proved who it is.
             * @enum {string}
             */
            kind: "user" | "api_key" | "service" | "device";
            /** @description The roles held; each includes the lower ones (admin ⊃ operator ⊃ viewer). */
            roles: ("viewer" | "operator" | "admin" | "service" | "device_gateway")[];
            /** @description The user id (`sub`), the API key id, or the calling service's name. */
            id: string;
            organization_id: string | null;
            email: string | null;
            /** @description When these credentials stop working (ISO-8601); null when they have no set end. */
            expires_at: string | null;
        };
        CreateApiKeyDto: {
            /**
             * @description What the key may do: `viewer` reads, `operator` also writes, `admin` also manages keys;
             *     `device_gateway` acts for any device of the organization on the device API only.
             * @example operator
             * @enum {string}
             */
            role: "viewer" | "operator" | "admin" | "device_gateway";
            /** @description A label to tell keys apart, e.g. the system that uses it. */
            name: string;
            /**
             * Format: date-time
             * @description When the key stops working (ISO-8601); never when omitted.
             */
            expires_at?: string;
        };
        CreatedApiKeyResponseDto: {
            /** @enum {string} */
            role: "viewer" | "operator" | "admin" | "device_gateway";
            /** @description The API key. Send it as `X-API-Key`; it cannot be shown again. */
            key: string;
            /** @description Key id (not the secret). */
            id: string;
            name: string;
            organization_id: string;
            /** @description The first characters of the key, to recognise it. */
            prefix: string;
            created_by: string;
            created_at: string;
            expires_at: string | null;
            last_used_at: string | null;
            revoked_at: string | null;
        };
        ApiKeyResponseDto: {
            /** @enum {string} */
            role: "viewer" | "operator" | "admin" | "device_gateway";
            /** @description Key id (not the secret). */
            id: string;
            name: string;
            organization_id: string;
            /** @description The first characters of the key, to recognise it. */
            prefix: string;
            created_by: string;
            created_at: string;
            expires_at: string | null;
            last_used_at: string | null;
            revoked_at: string | null;
        };
        ApiKeyListResponseDto: {
            api_keys: components["schemas"]["ApiKeyResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        MaintenanceWindowDto: {
            /**
             * @description Five-field cron expression (minute hour day-of-month month day-of-week) in `time_zone`; each
             *     match opens the window, e.g. `0 2 * * *` every night at 02:00.
             * @example 0 2 * * *
             */
            cron: string;
            /** @description How long each opening lasts, in minutes. */
            duration_minutes: number;
            /**
             * @description An IANA zone name (`Europe/Paris`), or `device`: each device's own zone from its `timezone`
             *     attribute (the campaign's `default_time_zone`, else UTC, when it has none or an invalid one).
             * @example device
             */
            time_zone: string;
        };
        RolloutRateDto: {
            base_per_minute: number;
            increment_factor: number;
            increase_after_succeeded: number;
            /** @description At least `base_per_minute`. */
            max_per_minute: number;
        };
        CreateCampaignDto: {
            /**
             * @description Devices matching every key are targeted. Keys: `device_type`, `device_model`,
             *     `manufacturer`, `hardware_version` (equal strings), `firmware_version` (a semver range such
             *     as `<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`; devices whose version is not semver never
             *     match), `tags` (array: the device has all of them), `group` (string), `attributes.<name>`
             *     (equal string, number or boolean). Other keys are refused. Bounded so a filter cannot occupy
             *     the database: at most 32 keys and 16 384 characters as JSON, a range of at most 256 characters
             *     and 32 alternatives (`||`), at most 50 tags, and no value longer than the device field it is
             *     compared with (422 `target/invalid_filter` naming the limit).
             * @example {
             *       "device_type": "smart_frame",
             *       "firmware_version": "<2.0.0",
             *       "tags": [
             *         "beta"
             *       ],
             *       "attributes.region": "eu"
             *     }
             */
            target_filters?: {
                [key: string]: unknown;
            };
            /**
             * @description Share (1-100, in steps of 0.01) of the compatible devices not yet on the version to select.
             * @default 100
             */
            rollout_percentage?: number;
            description?: string | null;
            /**
             * @default normal
             * @enum {string}
             */
            priority?: "low" | "normal" | "high" | "critical" | "emergency";
            /**
             * @description Devices working on the update at once, at most.
             * @default 10
             */
            max_concurrent_updates?: number;
            /**
             * @description Updates released per scheduler tick, at most.
             * @default 50
             */
            batch_size?: number;
            /**
             * Format: date-time
             * @description When a `scheduled` campaign (or any campaign started early) begins; ISO-8601.
             */
            scheduled_start?: string | null;
            /**
             * Format: date-time
             * @description After this nothing new is released; the campaign ends when the updates with devices finish.
             */
            scheduled_end?: string | null;
            /**
             * @description Each device's update fails with `TIMEOUT` when not finished this many minutes after its release.
             * @default 60
             */
            timeout_minutes?: number;
            /**
             * @description Roll every completed device back when the failure threshold trips.
             * @default true
             */
            auto_rollback?: boolean;
            /**
             * @description The campaign fails when this share (percent) of its finished updates failed.
             * @default 20
             */
            failure_threshold_percent?: number;
            /**
             * @description What counts against the threshold: `failure_rate` (or `error_threshold`) the failures devices
             *     report, `timeout` updates that ran out of time; `manual` and `health_check` are accepted.
             * @default [
             *       "failure_rate",
             *       "timeout"
             *     ]
             */
            rollback_triggers?: ("manual" | "failure_rate" | "health_check" | "timeout" | "error_threshold")[];
            /**
             * @description `staged`: cumulative percentages, strictly increasing integers ending at 100.
             * @default [
             *       10,
             *       50,
             *       100
             *     ]
             */
            stages?: number[];
            /**
             * @description `staged`: minutes to watch a finished stage before the next one opens.
             * @default 0
             */
            stage_soak_minutes?: number;
            /**
             * @description `canary`: share of the devices in the canary (at least one device).
             * @default 5
             */
            canary_percentage?: number;
            /**
             * @description `canary`: minutes to watch the finished canary before the rest goes.
             * @default 60
             */
            canary_duration_minutes?: number;
            /**
             * @description Automatic retries of a device's failed update; a failure counts against the threshold once none is left.
             * @default 0
             */
            max_retries?: number;
            /**
             * @description Finished updates needed before the failure rate is judged (or all of them, in a smaller campaign).
             * @default 10
             */
            min_failure_sample?: number;
            /**
             * @description Minutes a device that completed has to confirm it runs the new image (a check-in reporting
             *     the version, or its health report); silence fails the update (`health_check`). 0: off.
             * @default 0
             */
            health_check_window_minutes?: number;
            /**
             * @description Each device must consent (its confirmation) before it gets the update; until then it waits in `awaiting_confirmation`.
             * @default false
             */
            requires_device_confirmation?: boolean;
            /**
             * @description Devices that come to match the targets while it runs (registered, imported or changed) join
             *     it in the open stage; it ends at `scheduled_end` or on cancel, not when its devices are done.
             * @default false
             */
            continuous?: boolean;
            /** @description Releases happen only inside one of these windows (at most 20); null or `[]`: at any time. */
            maintenance_windows?: components["schemas"]["MaintenanceWindowDto"][] | null;
            /**
             * @description IANA zone of devices without a valid `timezone` attribute, for windows in `device` zones; null: UTC.
             * @example Europe/Berlin
             */
            default_time_zone?: string | null;
            /** @description Exponential ramp of releases a minute, on top of `batch_size` and `max_concurrent_updates`; null: none. */
            rollout_rate?: components["schemas"]["RolloutRateDto"] | null;
            /**
             * @default staged
             * @enum {string}
             */
            deployment_strategy?: "immediate" | "scheduled" | "staged" | "canary" | "blue_green";
            /** @description 1-200 characters. */
            name: string;
            /** @description The firmware to roll out (32 lowercase hex characters), of this organization. */
            firmware_id: string;
            /** @description An admin other than the creator must approve the campaign before it can start. */
            requires_approval?: boolean;
            notify_on_start?: boolean;
            notify_on_complete?: boolean;
            notify_on_failure?: boolean;
            /**
             * @description Where the platform's notification service should send news of this campaign (passed on in its
             *     events). `webhook:https://…` entries are POSTed the notified events by this service itself.
             */
            notification_channels?: string[];
            /** @description Device ids targeted explicitly. */
            target_devices?: string[];
            /** @description Groups whose members are targeted. */
            target_groups?: string[];
        };
        FirmwareResponseDto: {
            /** @enum {string} */
            update_type: "firmware" | "software" | "application" | "config" | "bootloader" | "security_patch";
            /** @description Share of finished updates to this firmware that succeeded (0-100); null before any finished. */
            success_rate: number | null;
            firmware_id: string;
            name: string;
            version: string;
            description: string | null;
            device_model: string;
            manufacturer: string | null;
            min_hardware_version: string | null;
            max_hardware_version: string | null;
            /** @description Name of the uploaded file. */
            file_name: string;
            file_size: number;
            /** @description Where to get a download URL for the binary (an authenticated API call). */
            file_url: string;
            checksum_md5: string;
            checksum_sha256: string;
            tags: string[];
            metadata: {
                [key: string]: unknown;
            };
            is_beta: boolean;
            is_security_update: boolean;
            changelog: string | null;
            signature: string | null;
            signing_key_id: string | null;
            /** @description True when the signature was verified against a registered key at upload. */
            signature_verified: boolean;
            /** @description Download URLs issued so far. */
            download_count: number;
            created_at: string;
            updated_at: string;
            created_by: string;
        };
        CampaignTimelineEntryDto: {
            /** @enum {string|null} */
            from_status: "created" | "pending_approval" | "rejected" | "scheduled" | "in_progress" | "paused" | "completed" | "failed" | "cancelled" | "rolling_back" | "rolled_back" | null;
            /** @enum {string} */
            to_status: "created" | "pending_approval" | "rejected" | "scheduled" | "in_progress" | "paused" | "completed" | "failed" | "cancelled" | "rolling_back" | "rolled_back";
            /** @enum {string} */
            actor_kind: "user" | "api_key" | "service" | "scheduler";
            reason: string | null;
            /** @description Figures behind it, e.g. `{failure_rate, threshold_percent, finished, stage}` for a failure. */
            data: {
                [key: string]: unknown;
            } | null;
            /** @description `created`, `approved`, `started`, `stage_opened`, `failed`, ... */
            event: string;
            /** @description A user id, API key id or service name; `scheduler` for the rollout. */
            actor: string;
            at: string;
        };
        CampaignStagePlanDto: {
            /**
             * @description `pending`, `open` or `finished`.
             * @enum {string}
             */
            status: "pending" | "open" | "finished";
            opened_at: string | null;
            finished_at: string | null;
            /** @description 0-based. */
            stage: number;
            /** @description Cumulative share of the campaign's devices this stage reaches, in percent. */
            percentage: number;
            /** @description Devices in this stage (before the start: what a start would put there now). */
            devices: number;
        };
        CampaignDetailResponseDto: {
            description: string | null;
            /** @description The firmware; null if deleted since the campaign finished. */
            firmware: components["schemas"]["FirmwareResponseDto"] | null;
            target_filters: {
                [key: string]: unknown;
            } | null;
            /** @enum {string} */
            deployment_strategy: "immediate" | "scheduled" | "staged" | "canary" | "blue_green";
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "critical" | "emergency";
            scheduled_start: string | null;
            scheduled_end: string | null;
            rollback_triggers: ("manual" | "failure_rate" | "health_check" | "timeout" | "error_threshold")[];
            /** @description The campaign this one retries over its failed devices; null for others. */
            retry_of: string | null;
            maintenance_windows: components["schemas"]["MaintenanceWindowDto"][] | null;
            default_time_zone: string | null;
            rollout_rate: components["schemas"]["RolloutRateDto"] | null;
            /**
             * Format: date-time
             * @description The next opening of a maintenance window after now (in any of the campaign's zones); null without windows.
             */
            next_window_at: string | null;
            /** @enum {string} */
            status: "created" | "pending_approval" | "rejected" | "scheduled" | "in_progress" | "paused" | "completed" | "failed" | "cancelled" | "rolling_back" | "rolled_back";
            /** @description Devices the campaign holds (null before the start). */
            total_devices: number | null;
            /** @description Selected devices already on the version at start, left out (null before the start). */
            already_on_target_version: number | null;
            /** @description The highest open stage (0-based); null before the start. */
            current_stage: number | null;
            /** @description Blue-green: when the staged devices were switched to the new image. */
            activated_at: string | null;
            actual_start: string | null;
            actual_end: string | null;
            /** @description Null until decided (and when no approval is required). */
            approved: boolean | null;
            approved_by: string | null;
            approved_at: string | null;
            approval_comment: string | null;
            approval_conditions: ({
                [key: string]: unknown;
            } | unknown[]) | null;
            /** @description Every transition, oldest first. */
            timeline: components["schemas"]["CampaignTimelineEntryDto"][];
            campaign_id: string;
            name: string;
            firmware_id: string;
            target_devices: string[];
            target_groups: string[];
            rollout_percentage: number;
            max_concurrent_updates: number;
            batch_size: number;
            timeout_minutes: number;
            auto_rollback: boolean;
            failure_threshold_percent: number;
            requires_approval: boolean;
            notify_on_start: boolean;
            notify_on_complete: boolean;
            notify_on_failure: boolean;
            notification_channels: string[];
            stages: number[];
            stage_soak_minutes: number;
            canary_percentage: number;
            canary_duration_minutes: number;
            max_retries: number;
            min_failure_sample: number;
            health_check_window_minutes: number;
            requires_device_confirmation: boolean;
            continuous: boolean;
            /** @description Before the start: what a start would select now (as of creation or the last change); after it, the devices the campaign holds. */
            target_device_count: number;
            /** @description Explicit device ids given. */
            targeted_devices: number;
            /** @description Groups given. */
            targeted_groups: number;
            /** @description Not released yet. */
            pending_devices: number;
            /** @description Released and working (or staged on a standby slot, waiting for the device's consent, or waiting for a retry). */
            in_progress_devices: number;
            /** @description Completed, those whose health window is still open included. */
            completed_devices: number;
            /** @description Failed, timed out and failed health checks included. */
            failed_devices: number;
            cancelled_devices: number;
            stage_plan: components["schemas"]["CampaignStagePlanDto"][];
            created_by: string;
            created_at: string;
            updated_at: string;
        };
        CampaignPlanStageDto: {
            /** @description 0-based. */
            stage: number;
            /** @description Cumulative share of the campaign's devices this stage reaches, in percent. */
            percentage: number;
            devices: number;
        };
        CampaignPlanExcludedDto: {
            /** @description Matched, but the firmware is not built for them (model, hardware bounds). */
            incompatible: number;
            /** @description Compatible, already running the firmware's version. */
            already_on_version: number;
            /**
             * @description Selected devices with another update in flight now: a start keeps them (counted in the
             *     stages), and each waits (`waiting_busy`) until its device is free.
             */
            busy: number;
            /** @description Compatible, not on the version, left out by `rollout_percentage`. */
            outside_sample: number;
        };
        CampaignPlanResponseDto: {
            /** @description The next times a maintenance window opens (ISO-8601), soonest first; empty without windows. */
            next_window_openings: string[];
            /**
             * @description Median seconds from start to completion of the organization's recent campaign updates; null
             *     without one (the estimate then takes `timeout_minutes`, an upper bound).
             */
            median_update_seconds: number | null;
            /** @description Devices the targets name. */
            matched: number;
            /** @description Devices a start would give an update. */
            target_device_count: number;
            stages: components["schemas"]["CampaignPlanStageDto"][];
            excluded: components["schemas"]["CampaignPlanExcludedDto"];
            /**
             * @description Seconds from the start to the last device done if nothing failed: the stages' releases under
             *     `batch_size` per tick, `max_concurrent_updates` and the ramp, the median update time, and the
             *     stage gates. Windows are not counted.
             */
            estimated_duration_seconds: number;
        };
        CampaignResponseDto: {
            description: string | null;
            /** @description The firmware; null if deleted since the campaign finished. */
            firmware: components["schemas"]["FirmwareResponseDto"] | null;
            target_filters: {
                [key: string]: unknown;
            } | null;
            /** @enum {string} */
            deployment_strategy: "immediate" | "scheduled" | "staged" | "canary" | "blue_green";
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "critical" | "emergency";
            scheduled_start: string | null;
            scheduled_end: string | null;
            rollback_triggers: ("manual" | "failure_rate" | "health_check" | "timeout" | "error_threshold")[];
            /** @description The campaign this one retries over its failed devices; null for others. */
            retry_of: string | null;
            maintenance_windows: components["schemas"]["MaintenanceWindowDto"][] | null;
            default_time_zone: string | null;
            rollout_rate: components["schemas"]["RolloutRateDto"] | null;
            /**
             * Format: date-time
             * @description The next opening of a maintenance window after now (in any of the campaign's zones); null without windows.
             */
            next_window_at: string | null;
            /** @enum {string} */
            status: "created" | "pending_approval" | "rejected" | "scheduled" | "in_progress" | "paused" | "completed" | "failed" | "cancelled" | "rolling_back" | "rolled_back";
            /** @description Devices the campaign holds (null before the start). */
            total_devices: number | null;
            /** @description Selected devices already on the version at start, left out (null before the start). */
            already_on_target_version: number | null;
            /** @description The highest open stage (0-based); null before the start. */
            current_stage: number | null;
            /** @description Blue-green: when the staged devices were switched to the new image. */
            activated_at: string | null;
            actual_start: string | null;
            actual_end: string | null;
            /** @description Null until decided (and when no approval is required). */
            approved: boolean | null;
            approved_by: string | null;
            approved_at: string | null;
            approval_comment: string | null;
            approval_conditions: ({
                [key: string]: unknown;
            } | unknown[]) | null;
            campaign_id: string;
            name: string;
            firmware_id: string;
            target_devices: string[];
            target_groups: string[];
            rollout_percentage: number;
            max_concurrent_updates: number;
            batch_size: number;
            timeout_minutes: number;
            auto_rollback: boolean;
            failure_threshold_percent: number;
            requires_approval: boolean;
            notify_on_start: boolean;
            notify_on_complete: boolean;
            notify_on_failure: boolean;
            notification_channels: string[];
            stages: number[];
            stage_soak_minutes: number;
            canary_percentage: number;
            canary_duration_minutes: number;
            max_retries: number;
            min_failure_sample: number;
            health_check_window_minutes: number;
            requires_device_confirmation: boolean;
            continuous: boolean;
            /** @description Before the start: what a start would select now (as of creation or the last change); after it, the devices the campaign holds. */
            target_device_count: number;
            /** @description Explicit device ids given. */
            targeted_devices: number;
            /** @description Groups given. */
            targeted_groups: number;
            /** @description Not released yet. */
            pending_devices: number;
            /** @description Released and working (or staged on a standby slot, waiting for the device's consent, or waiting for a retry). */
            in_progress_devices: number;
            /** @description Completed, those whose health window is still open included. */
            completed_devices: number;
            /** @description Failed, timed out and failed health checks included. */
            failed_devices: number;
            cancelled_devices: number;
            stage_plan: components["schemas"]["CampaignStagePlanDto"][];
            created_by: string;
            created_at: string;
            updated_at: string;
        };
        CampaignListResponseDto: {
            campaigns: components["schemas"]["CampaignResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        UpdateCampaignDto: {
            /**
             * @description Devices matching every key are targeted. Keys: `device_type`, `device_model`,
             *     `manufacturer`, `hardware_version` (equal strings), `firmware_version` (a semver range such
             *     as `<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`; devices whose version is not semver never
             *     match), `tags` (array: the device has all of them), `group` (string), `attributes.<name>`
             *     (equal string, number or boolean). Other keys are refused. Bounded so a filter cannot occupy
             *     the database: at most 32 keys and 16 384 characters as JSON, a range of at most 256 characters
             *     and 32 alternatives (`||`), at most 50 tags, and no value longer than the device field it is
             *     compared with (422 `target/invalid_filter` naming the limit).
             * @example {
             *       "device_type": "smart_frame",
             *       "firmware_version": "<2.0.0",
             *       "tags": [
             *         "beta"
             *       ],
             *       "attributes.region": "eu"
             *     }
             */
            target_filters?: {
                [key: string]: unknown;
            };
            /**
             * @description Share (1-100, in steps of 0.01) of the compatible devices not yet on the version to select.
             * @default 100
             */
            rollout_percentage?: number;
            description?: string | null;
            /**
             * @default normal
             * @enum {string}
             */
            priority?: "low" | "normal" | "high" | "critical" | "emergency";
            /**
             * @description Devices working on the update at once, at most.
             * @default 10
             */
            max_concurrent_updates?: number;
            /**
             * @description Updates released per scheduler tick, at most.
             * @default 50
             */
            batch_size?: number;
            /**
             * Format: date-time
             * @description When a `scheduled` campaign (or any campaign started early) begins; ISO-8601.
             */
            scheduled_start?: string | null;
            /**
             * Format: date-time
             * @description After this nothing new is released; the campaign ends when the updates with devices finish.
             */
            scheduled_end?: string | null;
            /**
             * @description Each device's update fails with `TIMEOUT` when not finished this many minutes after its release.
             * @default 60
             */
            timeout_minutes?: number;
            /**
             * @description Roll every completed device back when the failure threshold trips.
             * @default true
             */
            auto_rollback?: boolean;
            /**
             * @description The campaign fails when this share (percent) of its finished updates failed.
             * @default 20
             */
            failure_threshold_percent?: number;
            /**
             * @description What counts against the threshold: `failure_rate` (or `error_threshold`) the failures devices
             *     report, `timeout` updates that ran out of time; `manual` and `health_check` are accepted.
             * @default [
             *       "failure_rate",
             *       "timeout"
             *     ]
             */
            rollback_triggers?: ("manual" | "failure_rate" | "health_check" | "timeout" | "error_threshold")[];
            /**
             * @description `staged`: cumulative percentages, strictly increasing integers ending at 100.
             * @default [
             *       10,
             *       50,
             *       100
             *     ]
             */
            stages?: number[];
            /**
             * @description `staged`: minutes to watch a finished stage before the next one opens.
             * @default 0
             */
            stage_soak_minutes?: number;
            /**
             * @description `canary`: share of the devices in the canary (at least one device).
             * @default 5
             */
            canary_percentage?: number;
            /**
             * @description `canary`: minutes to watch the finished canary before the rest goes.
             * @default 60
             */
            canary_duration_minutes?: number;
            /**
             * @description Automatic retries of a device's failed update; a failure counts against the threshold once none is left.
             * @default 0
             */
            max_retries?: number;
            /**
             * @description Finished updates needed before the failure rate is judged (or all of them, in a smaller campaign).
             * @default 10
             */
            min_failure_sample?: number;
            /**
             * @description Minutes a device that completed has to confirm it runs the new image (a check-in reporting
             *     the version, or its health report); silence fails the update (`health_check`). 0: off.
             * @default 0
             */
            health_check_window_minutes?: number;
            /**
             * @description Each device must consent (its confirmation) before it gets the update; until then it waits in `awaiting_confirmation`.
             * @default false
             */
            requires_device_confirmation?: boolean;
            /**
             * @description Devices that come to match the targets while it runs (registered, imported or changed) join
             *     it in the open stage; it ends at `scheduled_end` or on cancel, not when its devices are done.
             * @default false
             */
            continuous?: boolean;
            /** @description Releases happen only inside one of these windows (at most 20); null or `[]`: at any time. */
            maintenance_windows?: components["schemas"]["MaintenanceWindowDto"][] | null;
            /**
             * @description IANA zone of devices without a valid `timezone` attribute, for windows in `device` zones; null: UTC.
             * @example Europe/Berlin
             */
            default_time_zone?: string | null;
            /** @description Exponential ramp of releases a minute, on top of `batch_size` and `max_concurrent_updates`; null: none. */
            rollout_rate?: components["schemas"]["RolloutRateDto"] | null;
            /** @description 1-200 characters. */
            name?: string;
            notify_on_start?: boolean;
            notify_on_complete?: boolean;
            notify_on_failure?: boolean;
            /**
             * @description Where the platform's notification service should send news of this campaign (passed on in its
             *     events). `webhook:https://…` entries are POSTed the notified events by this service itself.
             */
            notification_channels?: string[];
            /** @description Device ids targeted explicitly. */
            target_devices?: string[];
            /** @description Groups whose members are targeted. */
            target_groups?: string[];
        };
        CampaignReasonDto: {
            reason?: string;
        };
        ApproveCampaignDto: {
            /** @description Conditions of the approval, kept as sent. */
            conditions?: {
                [key: string]: unknown;
            } | unknown[];
            /** @description `true` approves; `false` rejects the campaign for good. */
            approved: boolean;
            approval_comment?: string;
            /** @description Accepted for the original's clients; must be the campaign of the path. */
            campaign_id?: string;
        };
        CampaignDeviceDto: {
            stage: number | null;
            /** @enum {string} */
            status: "created" | "scheduled" | "awaiting_confirmation" | "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed" | "cancelled" | "rolled_back";
            /** @description `waiting_busy` for a row whose device had another update running when its turn came. */
            phase: string | null;
            /** @enum {string} */
            kind: "update" | "rollback";
            from_version: string | null;
            error_code: string | null;
            device_id: string;
            update_id: string;
            to_version: string;
            updated_at: string;
        };
        CampaignDeviceListResponseDto: {
            devices: components["schemas"]["CampaignDeviceDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        RegisterDeviceDto: {
            /**
             * @description The device's own id (serial number, MAC, platform id), unique within the organization.
             * @example sf-000123
             */
            device_id: string;
            /**
             * @description Kind of device, e.g. `smart_frame`.
             * @example smart_frame
             */
            device_type?: string;
            /**
             * @description Model, matched against a firmware's `device_model`.
             * @example SF-2024-Pro
             */
            device_model?: string;
            /** @example SmartTech */
            manufacturer?: string;
            /**
             * @description Hardware revision, compared leniently (`2` = 2.0.0) with a firmware's hardware bounds.
             * @example 1.2
             */
            hardware_version?: string;
            /**
             * @description Firmware the device runs; semver for range filters (other text is stored but never matches a range).
             * @example 1.4.2
             */
            firmware_version?: string;
            /**
             * @description Groups the device belongs to (names given twice are kept once).
             * @example [
             *       "living-room",
             *       "beta-testers"
             *     ]
             */
            groups?: string[];
            /**
             * @description Free labels (names given twice are kept once).
             * @example [
             *       "wifi"
             *     ]
             */
            tags?: string[];
            /**
             * @description Flat object of string (at most 500 characters), number or boolean values.
             * @example {
             *       "color": "black",
             *       "screen_inches": 10.1,
             *       "touch": true
             *     }
             */
            attributes?: {
                [key: string]: string | number | boolean;
            };
        };
        DeviceRegistrationResponseDto: {
            /**
             * @example {
             *       "color": "black",
             *       "screen_inches": 10.1,
             *       "touch": true
             *     }
             */
            attributes: {
                [key: string]: string | number | boolean;
            };
            /** @description The new device token, shown only now; the device sends it as `Authorization: Device <token>`. */
            device_token?: string;
            device_id: string;
            device_type: string | null;
            device_model: string | null;
            manufacturer: string | null;
            hardware_version: string | null;
            /** @description As the device last reported it (registration or device API). */
            firmware_version: string | null;
            groups: string[];
            tags: string[];
            /** @description True when a device token was issued (the device can call the device API with it). */
            has_token: boolean;
            token_issued_at: string | null;
            /** @description When the device last called the device API (written in batches, a few seconds late). */
            last_seen_at: string | null;
            created_at: string;
            updated_at: string;
        };
        DeviceImportFailureDto: {
            /** @description 0-based position of the row: in the JSON array, or among the non-blank NDJSON lines. */
            index: number;
            /** @description The row's `device_id` when it had a usable one. */
            device_id: string | null;
            /** @description What was wrong, `field: problem` for each problem. */
            error: string;
        };
        DeviceImportResponseDto: {
            /** @description Devices that did not exist before. */
            created: number;
            /** @description Devices that existed and were updated. */
            updated: number;
            /** @description Rows that were not written, and why; the others were. */
            failed: components["schemas"]["DeviceImportFailureDto"][];
        };
        DeviceResponseDto: {
            /**
             * @example {
             *       "color": "black",
             *       "screen_inches": 10.1,
             *       "touch": true
             *     }
             */
            attributes: {
                [key: string]: string | number | boolean;
            };
            device_id: string;
            device_type: string | null;
            device_model: string | null;
            manufacturer: string | null;
            hardware_version: string | null;
            /** @description As the device last reported it (registration or device API). */
            firmware_version: string | null;
            groups: string[];
            tags: string[];
            /** @description True when a device token was issued (the device can call the device API with it). */
            has_token: boolean;
            token_issued_at: string | null;
            /** @description When the device last called the device API (written in batches, a few seconds late). */
            last_seen_at: string | null;
            created_at: string;
            updated_at: string;
        };
        DeviceListResponseDto: {
            devices: components["schemas"]["DeviceResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        UpdateDeviceDto: {
            /**
             * @example [
             *       "living-room"
             *     ]
             */
            groups?: string[];
            /**
             * @example [
             *       "wifi"
             *     ]
             */
            tags?: string[];
            /**
             * @example {
             *       "color": "black",
             *       "screen_inches": 10.1,
             *       "touch": true
             *     }
             */
            attributes?: {
                [key: string]: string | number | boolean;
            };
        };
        DeviceTokenResponseDto: {
            /**
             * @example {
             *       "color": "black",
             *       "screen_inches": 10.1,
             *       "touch": true
             *     }
             */
            attributes: {
                [key: string]: string | number | boolean;
            };
            device_id: string;
            device_type: string | null;
            device_model: string | null;
            manufacturer: string | null;
            hardware_version: string | null;
            /** @description As the device last reported it (registration or device API). */
            firmware_version: string | null;
            groups: string[];
            tags: string[];
            /** @description True when a device token was issued (the device can call the device API with it). */
            has_token: boolean;
            token_issued_at: string | null;
            /** @description When the device last called the device API (written in batches, a few seconds late). */
            last_seen_at: string | null;
            created_at: string;
            updated_at: string;
            /** @description The new device token, shown only now; the previous one stopped working. */
            device_token: string;
        };
        DeviceGroupDto: {
            name: string;
            device_count: number;
        };
        DeviceGroupListResponseDto: {
            /** @description Every group in use, by name. */
            groups: components["schemas"]["DeviceGroupDto"][];
            /** @description Number of groups. */
            total: number;
        };
        DeviceCheckInDto: {
            /** @description Accepted and validated, not stored: attributes are set through the registry API. */
            attributes?: {
                [key: string]: unknown;
            } | null;
            /** @description The firmware version the device runs now; recorded (buffered) as the device's reported version. */
            firmware_version: string;
            /** @description Accepted and validated, not stored: the registry's hardware version is set by registration. */
            hardware_version?: string | null;
        };
        DeviceCheckInUpdateDto: {
            /** @enum {string} */
            kind: "update" | "rollback";
            /** @description Base64 Ed25519 signature over the SHA-256 digest of the image, if the firmware is signed. */
            signature: string | null;
            signing_key_id: string | null;
            /** @description The update fails (and may be retried) if not completed by then; none while a blue-green update is staged. */
            timeout_at: string | null;
            /**
             * @description How to apply it: `immediate` (install and reboot); blue-green `deferred` (download, verify,
             *     install to the standby slot, report `awaiting_activation` and do not reboot), then `now`
             *     (the campaign switched: activate the standby slot, report `rebooting`, then `completed`).
             * @enum {string}
             */
            activation: "immediate" | "deferred" | "now";
            /**
             * Format: date-time
             * @description End of the maintenance window the update was released in: do not start an install that
             *     cannot finish by then (wait for the next window). Null: no window.
             */
            window_ends_at: string | null;
            update_id: string;
            firmware_id: string;
            /** @description The version to install. */
            version: string;
            /** @description `firmware`, `config`, ... as uploaded. */
            update_type: string;
            /**
             * @description Where to download the image; valid until `download_expires_at` (at least half the configured
             *     TTL after this answer). Check in again for a fresh link.
             */
            download_url: string;
            download_expires_at: string;
            /** @description Size of the image in bytes. */
            file_size: number;
            checksum_sha256: string;
            checksum_md5: string;
            /** @description Install even if the device would otherwise refuse (e.g. a downgrade). */
            force: boolean;
            /**
             * @description The campaign asks for the device's consent first: post `…/updates/{update_id}/confirmation`
             *     before working on it (status reports are 409 `update/awaiting_confirmation` until then).
             */
            confirmation_required: boolean;
        };
        DeviceCheckInResponseDto: {
            /** @description The released update the device should work on, or null. */
            update: components["schemas"]["DeviceCheckInUpdateDto"] | null;
            /** @description Seconds until the next check-in (the configured interval with a per-device jitter). */
            poll_interval_seconds: number;
        };
        DeviceStatusReportDto: {
            /**
             * @description The phase the device is in now. It may skip phases, never go back; repeating the current one updates progress.
             * @enum {string}
             */
            status: "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed";
            /** @description Progress within the phase, 0-100. */
            progress_percentage?: number | null;
            /** @description Why it failed (with `status` `failed`). */
            error_code?: string | null;
            error_message?: string | null;
            /** @description Bytes of the image downloaded so far. */
            bytes_downloaded?: number | null;
            /** @description The version the device runs; with `completed` it must be the update's version, or the update fails (`version_mismatch`). */
            firmware_version?: string | null;
        };
        UpdateResponseDto: {
            /** @description Null when the update did not come from a campaign. */
            campaign_id: string | null;
            /** @enum {string} */
            kind: "update" | "rollback";
            /** @description The firmware; null when it was deleted after the update finished. */
            firmware: components["schemas"]["FirmwareResponseDto"] | null;
            /** @enum {string} */
            status: "created" | "scheduled" | "awaiting_confirmation" | "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed" | "cancelled" | "rolled_back";
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "critical" | "emergency";
            maintenance_window: {
                [key: string]: unknown;
            } | null;
            /** @description Size of the image in bytes. */
            download_size: number | null;
            /** @description Bytes per second over the download so far. */
            download_speed: number | null;
            update_id: string;
            device_id: string;
            firmware_id: string;
            progress_percentage: number;
            current_phase: string | null;
            from_version: string | null;
            to_version: string;
            scheduled_at: string | null;
            started_at: string | null;
            completed_at: string | null;
            timeout_at: string | null;
            /** @description When a failed update is released again automatically; null when no retry is due. */
            next_retry_at: string | null;
            /** @description A completed campaign update must be confirmed healthy by then (`health_check_window_minutes`); null when no window is open. */
            health_deadline: string | null;
            /** @description When the device confirmed it runs the new image (a check-in with the version, or its health report); null before. */
            health_confirmed_at: string | null;
            error_code: string | null;
            error_message: string | null;
            retry_count: number;
            max_retries: number;
            timeout_minutes: number;
            force_update: boolean;
            pre_update_commands: string[];
            post_update_commands: string[];
            bytes_downloaded: number;
            /** @description Share of the image downloaded (0-100). */
            download_progress: number;
            signature_verified: boolean;
            checksum_verified: boolean;
            created_by: string;
            created_at: string;
            updated_at: string;
        };
        DeviceConfirmationDto: {
            /** @description Why the device (or its user) refused; kept in the update's timeline. */
            reason?: string | null;
            /** @description `true`: go ahead (the update is released with its timeout); `false`: not now (it keeps waiting). */
            confirmed: boolean;
        };
        DeviceHealthReportDto: {
            /** @description What the device found wrong (or right); kept as the failure's message. */
            details?: string | null;
            /** @description `true` confirms the update; `false` fails it (`error_code` `health_check`), counted against its campaign's threshold. */
            healthy: boolean;
        };
        FirmwareMetadataDto: {
            /**
             * @default firmware
             * @enum {string}
             */
            update_type?: "firmware" | "software" | "application" | "config" | "bootloader" | "security_patch";
            name: string;
            version: string;
            /** @description The device model this image is built for. */
            device_model: string;
            manufacturer?: string;
            description?: string;
            /** @description Oldest hardware revision the image supports. */
            min_hardware_version?: string;
            /** @description Newest hardware revision the image supports. */
            max_hardware_version?: string;
            /** @description Expected MD5 of the file (32 hex); the upload is refused when the bytes differ. */
            checksum_md5?: string;
            /** @description Expected SHA-256 of the file (64 hex); the upload is refused when the bytes differ. */
            checksum_sha256?: string;
            /** @description Expected size of the file in bytes. */
            file_size?: number;
            tags?: string[];
            /** @description Free-form JSON object stored with the firmware. */
            metadata?: {
                [key: string]: unknown;
            };
            is_beta?: boolean;
            is_security_update?: boolean;
            changelog?: string;
            /**
             * Format: base64
             * @description Base64 Ed25519 signature over the 32-byte SHA-256 digest of the file.
             */
            signature?: string;
            /** @description Id of the registered public key that verifies `signature`. */
            signing_key_id?: string;
        };
        FirmwareUploadBodyDto: {
            /**
             * @description JSON object with the firmware's metadata (fields: the `FirmwareMetadataDto` schema); must come before `file`.
             * @example {"name":"SmartFrame Firmware","version":"2.1.0","device_model":"SF-2024-Pro"}
             */
            metadata: string;
            /**
             * Format: binary
             * @description The binary (.bin, .hex, .elf, .tar.gz, .zip, or a configured ending).
             */
            file: string;
        };
        FirmwareListResponseDto: {
            firmware: components["schemas"]["FirmwareResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        FirmwareDownloadResponseDto: {
            /** @description GET (or HEAD, with `Range` support) this URL to fetch the binary; no other credentials needed. */
            download_url: string;
            expires_at: string;
            checksum_md5: string;
            checksum_sha256: string;
            file_size: number;
        };
        CreateSigningKeyDto: {
            /** @description The id uploads name in `signing_key_id`. */
            key_id: string;
            /** @description Ed25519 public key: PEM (SPKI), or base64 of the SPKI DER or of the 32 raw key bytes. */
            public_key: string;
            description?: string;
        };
        SigningKeyResponseDto: {
            /**
             * @example ed25519
             * @enum {string}
             */
            algorithm: "ed25519";
            /**
             * @description `api` for keys registered through this API, `config` for keys from FIRMWARE_SIGNING_KEYS.
             * @enum {string}
             */
            source: "api" | "config";
            key_id: string;
            /** @description The public key, PEM (SPKI). */
            public_key: string;
            /** @description SHA-256 of the SPKI DER, hex. */
            fingerprint: string;
            description: string | null;
            created_at: string | null;
            created_by: string | null;
        };
        SigningKeyListResponseDto: {
            signing_keys: components["schemas"]["SigningKeyResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
        DependencyHealthDto: {
            /** @enum {string} */
            status: "up" | "down" | "degraded" | "disabled";
            /** @description Why it is down, when it is. */
            error?: string;
        };
        HealthResponseDto: {
            /**
             * @example healthy
             * @enum {string}
             */
            status: "healthy";
            /** @example ota_service */
            service: string;
            /** @example 1.0.0 */
            version: string;
            /** @description ISO-8601 UTC. */
            timestamp: string;
        };
        DetailedHealthResponseDto: {
            /**
             * @description `unhealthy` (503) when a required dependency is down; `degraded` when an optional one is.
             * @enum {string}
             */
            status: "healthy" | "degraded" | "unhealthy";
            /** @description One entry per dependency (database, events, storage, ...), each with its own figures. */
            checks: {
                [key: string]: components["schemas"]["DependencyHealthDto"];
            };
            service: string;
            version: string;
            timestamp: string;
            /** @description Seconds since this replica started. */
            uptime_seconds: number;
        };
        CreateRollbackDto: {
            /**
             * @description The version to go back to: a firmware of the device's model in this organization.
             * @example 1.4.2
             */
            to_version: string;
            /** @description Why, kept in the rollback log. */
            reason?: string;
        };
        RollbackResponseDto: {
            /** @description The version the device ran when the rollback was asked for. */
            from_version: string | null;
            reason: string | null;
            /**
             * @description Status of the rollback's update.
             * @enum {string}
             */
            status: "created" | "scheduled" | "awaiting_confirmation" | "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed" | "cancelled" | "rolled_back";
            rollback_id: string;
            device_id: string;
            /** @description The update (kind `rollback`) that installs `to_version`. */
            update_id: string;
            to_version: string;
            initiated_by: string;
            initiated_at: string;
        };
        EndpointCountsDto: {
            /**
             * @description Endpoints per area (first path segment after `/api/v1`).
             * @example {
             *       "health": 2,
             *       "api-keys": 3
             *     }
             */
            by_area: {
                [key: string]: number;
            };
            /** @description Endpoints (method + path) this replica serves. */
            total: number;
        };
        ServiceStatsResponseDto: {
            /** @example ota_service */
            service: string;
            /** @example 1.0.0 */
            version: string;
            /** @example 8240 */
            port: number;
            /**
             * @description The services and transports this deployment uses.
             * @example {
             *       "database": "embedded",
             *       "events": "outbox_only"
             *     }
             */
            runtime: {
                [key: string]: string;
            };
            endpoints: components["schemas"]["EndpointCountsDto"];
            /** @description What this deployment offers: API areas served and capabilities switched on by configuration. */
            features: string[];
        };
        FleetStatsResponseDto: {
            /**
             * @description Percent (0–100, 2 decimals) of finished updates that completed: completed / (completed + failed); 0 when none finished.
             * @example 97.5
             */
            success_rate: number;
            /**
             * @description Mean minutes (2 decimals, the original's unit) from start to completion of completed updates; 0 when none.
             * @example 8.5
             */
            avg_update_time: number;
            /**
             * @description Updates per device type; devices without a type, or no longer registered, count as `unknown`.
             * @example {
             *       "smart_frame": 120,
             *       "unknown": 3
             *     }
             */
            updates_by_device_type: {
                [key: string]: number;
            };
            /**
             * @description Updates per target firmware version.
             * @example {
             *       "2.1.0": 100,
             *       "2.0.3": 23
             *     }
             */
            updates_by_firmware_version: {
                [key: string]: number;
            };
            /** @description Campaigns of the organization, in any state. */
            total_campaigns: number;
            /** @description Campaigns currently rolling out (including paused ones). */
            active_campaigns: number;
            completed_campaigns: number;
            failed_campaigns: number;
            /** @description Device updates of every kind (updates and rollbacks) in any status. */
            total_updates: number;
            /** @description Updates `created` or `scheduled`: not yet picked up by the device. */
            pending_updates: number;
            /** @description Updates the device is working on (`in_progress` through `rebooting`). */
            in_progress_updates: number;
            completed_updates: number;
            failed_updates: number;
            /** @description Bytes of firmware handed out: the image size of every download URL issued. */
            total_data_transferred: number;
            /** @description Updates created in the last 24 hours. */
            last_24h_updates: number;
            /** @description Updates that failed in the last 24 hours (and are still failed). */
            last_24h_failures: number;
            /** @description Bytes of firmware handed out in the last 24 hours. */
            last_24h_data_transferred: number;
        };
        CampaignRollbackStatsDto: {
            planned: number;
            pending: number;
            in_flight: number;
            completed: number;
            failed: number;
        };
        CampaignStageStatsDto: {
            /** @description Failed share of the finished updates that count (see `failure_rate` of the campaign), in percent; null before any finished. */
            failure_rate: number | null;
            opened_at: string | null;
            /** @description When the gate to the next stage opens (the stage finished plus its soak); null until then known, and for the last stage. */
            gate_opens_at: string | null;
            stage: number;
            percentage: number;
            planned: number;
            released: number;
            /** @description Released and not finished (staged blue-green devices, devices asked for consent and due retries included). */
            in_flight: number;
            completed: number;
            /** @description Failed, timed out included. */
            failed: number;
            cancelled: number;
        };
        CampaignStatsResponseDto: {
            /** @enum {string} */
            status: "created" | "pending_approval" | "rejected" | "scheduled" | "in_progress" | "paused" | "completed" | "failed" | "cancelled" | "rolling_back" | "rolled_back";
            /**
             * @description Rows by state (`waiting_busy`: waiting for a busy device; `retrying`: failed, a retry due;
             *     `health_pending`: completed, health window open; `health_check`: failed its health check).
             * @example {
             *       "created": 0,
             *       "scheduled": 0,
             *       "awaiting_confirmation": 0,
             *       "in_progress": 0,
             *       "downloading": 0,
             *       "verifying": 0,
             *       "installing": 0,
             *       "awaiting_activation": 0,
             *       "rebooting": 0,
             *       "completed": 0,
             *       "failed": 0,
             *       "cancelled": 0,
             *       "rolled_back": 0,
             *       "waiting_busy": 0,
             *       "retrying": 0,
             *       "timed_out": 0,
             *       "health_pending": 0,
             *       "health_check": 0
             *     }
             */
            counts: {
                [key: string]: number;
            };
            already_on_target_version: number | null;
            /** @description The campaign's failure rate as the threshold judges it, in percent; null before any finished. */
            failure_rate: number | null;
            /** @description Seconds until every device is done at the recent release rate; null when unknown. */
            eta_seconds: number | null;
            /**
             * Format: date-time
             * @description The next opening of a maintenance window after now (in any of the campaign's zones); null without windows.
             */
            next_window_at: string | null;
            /** @description Releases a minute the ramp allows now (`rollout_rate`); null without a ramp. */
            ramp_rate_per_minute: number | null;
            /** @description The campaign rollback's rows; null when none was started. */
            rollback: components["schemas"]["CampaignRollbackStatsDto"] | null;
            campaign_id: string;
            /** @description Finished (any way) share of the campaign's devices, in percent. */
            progress_percentage: number;
            successful_updates: number;
            /** @description Failed, timed out included. */
            failed_updates: number;
            /** @description Not released yet. */
            pending_updates: number;
            /** @description Minutes from a device starting to completing, averaged; 0 before any completed. */
            avg_update_time: number;
            /** @description Completed share of the finished updates, in percent; 0 before any finished. */
            success_rate: number;
            /** @description Waiting because their device had another update running. */
            waiting_busy: number;
            /** @description Released, waiting for the device's consent (`requires_device_confirmation`). */
            awaiting_confirmation: number;
            /** @description Completed, the health window still open: not counted as successful until confirmed. */
            health_pending: number;
            stages: components["schemas"]["CampaignStageStatsDto"][];
            failure_threshold_percent: number;
            /** @description Updates released over the last minute. */
            releases_per_minute: number;
        };
        TargetPreviewRequestDto: {
            /**
             * @description Devices matching every key are targeted. Keys: `device_type`, `device_model`,
             *     `manufacturer`, `hardware_version` (equal strings), `firmware_version` (a semver range such
             *     as `<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`; devices whose version is not semver never
             *     match), `tags` (array: the device has all of them), `group` (string), `attributes.<name>`
             *     (equal string, number or boolean). Other keys are refused. Bounded so a filter cannot occupy
             *     the database: at most 32 keys and 16 384 characters as JSON, a range of at most 256 characters
             *     and 32 alternatives (`||`), at most 50 tags, and no value longer than the device field it is
             *     compared with (422 `target/invalid_filter` naming the limit).
             * @example {
             *       "device_type": "smart_frame",
             *       "firmware_version": "<2.0.0",
             *       "tags": [
             *         "beta"
             *       ],
             *       "attributes.region": "eu"
             *     }
             */
            target_filters?: {
                [key: string]: unknown;
            };
            /**
             * @description Share (1-100, in steps of 0.01) of the compatible devices not yet on the version to select.
             * @default 100
             */
            rollout_percentage?: number;
            /**
             * @description Seed of the deterministic sample: the same seed picks the same devices in the same order.
             *     Default `preview`; a campaign samples with its own id.
             * @default preview
             */
            seed?: string;
            /** @description Firmware to check compatibility and the current version against. */
            firmware_id?: string;
            /** @description Device ids targeted explicitly. */
            target_devices?: string[];
            /** @description Groups whose members are targeted. */
            target_groups?: string[];
        };
        TargetPreviewResponseDto: {
            /** @description Devices the devices, groups and filters name. */
            matched: number;
            /** @description Matched devices the firmware is built for (model and hardware range); equals `matched` without a firmware. */
            compatible: number;
            /** @description Compatible devices already running the firmware's version; 0 without a firmware. */
            already_on_target_version: number;
            /** @description Compatible devices not on the version yet, after the rollout percentage's sample. */
            selected: number;
            /** @description The first 20 selected device ids in rollout order. */
            sample: string[];
        };
        BulkDeviceUpdateDto: {
            /**
             * @default normal
             * @enum {string}
             */
            priority?: "low" | "normal" | "high" | "critical" | "emergency";
            /**
             * @description Automatic retries after a failure.
             * @default 3
             */
            max_retries?: number;
            /**
             * @description The update fails with `TIMEOUT` when not finished this many minutes after its release.
             * @default 60
             */
            timeout_minutes?: number;
            /**
             * @description Every day from `start` to `end` (HH:MM; an `end` at or before `start` runs past midnight) in
             *     `timezone` (IANA, default UTC), e.g. `{"start": "02:00", "end": "04:00", "timezone": "UTC"}`.
             *     The update is released only inside it: outside, it waits (`created`) for the next opening.
             *     The device's check-in gives the window's end (`window_ends_at`). Shown on the update as sent.
             * @example {
             *       "start": "02:00",
             *       "end": "04:00",
             *       "timezone": "UTC"
             *     }
             */
            maintenance_window?: {
                [key: string]: unknown;
            } | null;
            /** @description Commands the device runs before installing. */
            pre_update_commands?: string[];
            /** @description Commands the device runs after installing. */
            post_update_commands?: string[];
            /** @description 1 to 10 000 device ids; an id given twice is reported as an error on its repeats. */
            device_ids: string[];
            /** @description The firmware to install (32 lowercase hex characters). */
            firmware_id: string;
            /**
             * @description Skip the compatibility check (model, hardware range) and the "already installed" shortcut,
             *     and cancel the device's unfinished update instead of refusing with 409.
             */
            force_update?: boolean;
        };
        BulkUpdateResultDto: {
            device_id: string;
            success: boolean;
            /** @description The created update, when `success`. */
            update_id?: string;
            /** @description Why not, when not `success`: `device/not_found`, `update/incompatible`, `update/device_busy`, `update/duplicate_device_id`. */
            error?: string;
            /** @description Human-readable explanation of `error`. */
            detail?: string;
        };
        BulkUpdateResponseDto: {
            /** @description One entry per requested id, in request order. */
            results: components["schemas"]["BulkUpdateResultDto"][];
            /** @description Ids requested. */
            total: number;
            /** @description Updates created. */
            succeeded: number;
            failed: number;
        };
        CreateDeviceUpdateDto: {
            /**
             * @default normal
             * @enum {string}
             */
            priority?: "low" | "normal" | "high" | "critical" | "emergency";
            /**
             * @description Automatic retries after a failure.
             * @default 3
             */
            max_retries?: number;
            /**
             * @description The update fails with `TIMEOUT` when not finished this many minutes after its release.
             * @default 60
             */
            timeout_minutes?: number;
            /**
             * @description Every day from `start` to `end` (HH:MM; an `end` at or before `start` runs past midnight) in
             *     `timezone` (IANA, default UTC), e.g. `{"start": "02:00", "end": "04:00", "timezone": "UTC"}`.
             *     The update is released only inside it: outside, it waits (`created`) for the next opening.
             *     The device's check-in gives the window's end (`window_ends_at`). Shown on the update as sent.
             * @example {
             *       "start": "02:00",
             *       "end": "04:00",
             *       "timezone": "UTC"
             *     }
             */
            maintenance_window?: {
                [key: string]: unknown;
            } | null;
            /** @description Commands the device runs before installing. */
            pre_update_commands?: string[];
            /** @description Commands the device runs after installing. */
            post_update_commands?: string[];
            /** @description The firmware to install (32 lowercase hex characters). */
            firmware_id: string;
            /**
             * @description Skip the compatibility check (model, hardware range) and the "already installed" shortcut,
             *     and cancel the device's unfinished update instead of refusing with 409.
             */
            force_update?: boolean;
        };
        UpdateTimelineEntryDto: {
            /** @enum {string} */
            status: "created" | "scheduled" | "awaiting_confirmation" | "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed" | "cancelled" | "rolled_back";
            progress: number | null;
            /**
             * @description Who caused it: `operator`, `device` (HTTP), `mqtt`, `scheduler` or `system`.
             * @enum {string}
             */
            source: "operator" | "device" | "mqtt" | "scheduler" | "system";
            detail: string | null;
            at: string;
        };
        UpdateDetailResponseDto: {
            /** @description Null when the update did not come from a campaign. */
            campaign_id: string | null;
            /** @enum {string} */
            kind: "update" | "rollback";
            /** @description The firmware; null when it was deleted after the update finished. */
            firmware: components["schemas"]["FirmwareResponseDto"] | null;
            /** @enum {string} */
            status: "created" | "scheduled" | "awaiting_confirmation" | "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed" | "cancelled" | "rolled_back";
            /** @enum {string} */
            priority: "low" | "normal" | "high" | "critical" | "emergency";
            maintenance_window: {
                [key: string]: unknown;
            } | null;
            /** @description Size of the image in bytes. */
            download_size: number | null;
            /** @description Bytes per second over the download so far. */
            download_speed: number | null;
            update_id: string;
            device_id: string;
            firmware_id: string;
            progress_percentage: number;
            current_phase: string | null;
            from_version: string | null;
            to_version: string;
            scheduled_at: string | null;
            started_at: string | null;
            completed_at: string | null;
            timeout_at: string | null;
            /** @description When a failed update is released again automatically; null when no retry is due. */
            next_retry_at: string | null;
            /** @description A completed campaign update must be confirmed healthy by then (`health_check_window_minutes`); null when no window is open. */
            health_deadline: string | null;
            /** @description When the device confirmed it runs the new image (a check-in with the version, or its health report); null before. */
            health_confirmed_at: string | null;
            error_code: string | null;
            error_message: string | null;
            retry_count: number;
            max_retries: number;
            timeout_minutes: number;
            force_update: boolean;
            pre_update_commands: string[];
            post_update_commands: string[];
            bytes_downloaded: number;
            /** @description Share of the image downloaded (0-100). */
            download_progress: number;
            signature_verified: boolean;
            checksum_verified: boolean;
            created_by: string;
            created_at: string;
            updated_at: string;
            /** @description Every status change, oldest first. */
            timeline: components["schemas"]["UpdateTimelineEntryDto"][];
        };
        DeviceUpdateHistoryResponseDto: {
            /** @description Completed as a share of finished (completed or failed) updates, 0-100; null before any finished. */
            avg_success_rate: number | null;
            /** @description The newest update, or null. */
            last_update: components["schemas"]["UpdateResponseDto"] | null;
            device_id: string;
            /** @description The newest `limit` updates. */
            updates: components["schemas"]["UpdateResponseDto"][];
            /** @description Counts over all the device's updates, not only those listed. */
            total_updates: number;
            successful_updates: number;
            failed_updates: number;
        };
        WebhookSecretCreatedResponseDto: {
            /** @description Key of the `x-ota-signature` HMAC-SHA256 of each webhook body; store it, it is not shown again. */
            secret: string;
            created_at: string;
        };
        WebhookSecretStatusResponseDto: {
            /** @description Who made the current secret. */
            created_by: string | null;
            /** @description When the current secret was made (its last rotation). */
            created_at: string | null;
            /** @description Whether the organization has a secret (webhooks of an organization without one fail). */
            configured: boolean;
        };
        WebhookDeliveryResponseDto: {
            campaign_id: string | null;
            /** @description The event envelope's `id`. */
            event_id: string | null;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            /** @description When a pending delivery is tried next. */
            next_attempt_at: string | null;
            /** @description The receiver's status code at the last attempt; null when it did not answer. */
            last_status_code: number | null;
            /** @description Why the last attempt failed, e.g. `HTTP 500`, a network error, `refused: private address`. */
            last_error: string | null;
            /** @description The body POSTed: the event envelope, as published on NATS. */
            payload: {
                [key: string]: unknown;
            };
            delivered_at: string | null;
            /** @description Also sent as `x-ota-delivery`: the same on every attempt, for the receiver to drop repeats. */
            delivery_id: string;
            event_type: string;
            url: string;
            /** @description Attempts made so far. */
            attempts: number;
            created_at: string;
            updated_at: string;
        };
        WebhookDeliveryListResponseDto: {
            webhook_deliveries: components["schemas"]["WebhookDeliveryResponseDto"][];
            /** @description The page size used. */
            limit: number;
            /** @description The offset used. */
            offset: number;
            /** @description Items in this page. */
            count: number;
            /** @description Items matching the filters, across all pages. */
            total: number;
            /** @description Each filter of the endpoint with the value applied, or null. */
            filters: {
                [key: string]: unknown;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listAuditEvents: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                /** @description Only events on this kind of resource (`firmware`, `signing_key`, `device`, `update`, `rollback`, `campaign`, `api_key`, `webhook_secret`). */
                resource_type?: string;
                /** @description Only this action, e.g. `campaign.paused`. */
                action?: string;
                /** @description Only events at or after this time (ISO-8601). */
                from?: string;
                /** @description Only events before this time (ISO-8601). */
                to?: string;
                /** @description Only events by this actor: a user id, API key id or service name. */
                actor_id?: string;
                /** @description Only events on the resource with this id. */
                resource_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    createDevToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DevTokenRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DevTokenResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Dev tokens are disabled */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getCurrentPrincipal: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CurrentPrincipalResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                /** @description Include revoked keys. */
                include_revoked?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The key's id (a UUID). */
                api_key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such key in this organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listCampaigns: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                status?: "created" | "pending_approval" | "rejected" | "scheduled" | "in_progress" | "paused" | "completed" | "failed" | "cancelled" | "rolling_back" | "rolled_back";
                priority?: "low" | "normal" | "high" | "critical" | "emergency";
                deployment_strategy?: "immediate" | "scheduled" | "staged" | "canary" | "blue_green";
                firmware_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    createCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCampaignDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description A bad field, no targets (`target/no_targets`) or a bad filter (`target/invalid_filter`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    planCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCampaignDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignPlanResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description As create: a bad field, no targets (`target/no_targets`) or a bad filter (`target/invalid_filter`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    updateCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateCampaignDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition`: not allowed in the current status (named in `detail`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    startCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/approval_required` or `campaign/invalid_transition` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    pauseCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CampaignReasonDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition`: not allowed in the current status (named in `detail`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    resumeCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition`: not allowed in the current status (named in `detail`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    cancelCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CampaignReasonDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition`: not allowed in the current status (named in `detail`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    approveCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApproveCampaignDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /**
             * @description Not an admin, or `campaign/self_approval`
             *
             *     Requires role: admin
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition`: not allowed in the current status (named in `detail`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    rollbackCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CampaignReasonDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition`: not allowed in the current status (named in `detail`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    advanceCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition` unless running; `campaign/no_next_stage` at the last stage */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    retryCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/invalid_transition` unless finished; `campaign/nothing_to_retry` when no device failed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listCampaignDevices: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                status?: "created" | "scheduled" | "awaiting_confirmation" | "in_progress" | "downloading" | "verifying" | "installing" | "awaiting_activation" | "rebooting" | "completed" | "failed" | "cancelled" | "rolled_back";
                /** @description 0-based stage. */
                stage?: number;
                /** @description `update` rows, or the `rollback` rows of a campaign rollback. */
                kind?: "update" | "rollback";
            };
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignDeviceListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    streamCampaignEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Resume after this transition (the `id:` of the last one received) */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found`, answered before the stream starts */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listDevices: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                device_type?: string;
                device_model?: string;
                /** @description Devices in this group. */
                group?: string;
                /** @description Devices with this tag. */
                tag?: string;
                /**
                 * @description A semver range the firmware version must satisfy (`<2.0.0`, `>=1.2.0 <1.5.0`, `1.x`, `~1.4`,
                 *     an exact version), by node-semver's rules; devices whose version is not semver never match.
                 */
                firmware_version?: string;
                /** @description Prefix of `device_id`. */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    registerDevice: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterDeviceDto"];
            };
        };
        responses: {
            /** @description Already registered: updated, token unchanged and not shown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceRegistrationResponseDto"];
                };
            };
            /** @description Registered; `device_token` is in the answer */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceRegistrationResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    importDevices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterDeviceDto"][];
                "application/x-ndjson": components["schemas"]["RegisterDeviceDto"][];
                "application/ndjson": components["schemas"]["RegisterDeviceDto"][];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceImportResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description More than 100 000 rows (`device/import_too_large`), or a body over DEVICE_IMPORT_MAX_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    deleteDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    updateDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDeviceDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    rotateDeviceToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceTokenResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listDeviceGroups: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceGroupListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getDeviceRegistration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceResponseDto"];
                };
            };
            /** @description Missing or invalid device token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not this device: another device's token, or credentials that are neither a device token nor a device_gateway API key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such device in the organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    confirmDeviceUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
                /** @description 32 lowercase hex characters. */
                update_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceConfirmationDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or invalid device token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not this device: another device's token, or credentials that are neither a device token nor a device_gateway API key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such device in the organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    reportDeviceUpdateHealth: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
                /** @description 32 lowercase hex characters. */
                update_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceHealthReportDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or invalid device token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not this device: another device's token, or credentials that are neither a device token nor a device_gateway API key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such device in the organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listFirmware: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                device_model?: string;
                manufacturer?: string;
                is_beta?: boolean;
                is_security_update?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirmwareListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    uploadFirmware: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["FirmwareUploadBodyDto"];
            };
        };
        responses: {
            /** @description The same image was already stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirmwareResponseDto"];
                };
            };
            /** @description Stored */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirmwareResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The client sent nothing for HTTP_BODY_TIMEOUT_MS in the middle of the body; the connection is closed */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Same device model and version with other content */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Larger than FIRMWARE_MAX_BYTES */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getFirmware: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters (SHA-256 of `name:version:device_model`, truncated). */
                firmware_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirmwareResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    deleteFirmware: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters (SHA-256 of `name:version:device_model`, truncated). */
                firmware_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirmwareResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description In use by an unfinished update or campaign */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getFirmwareDownload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters (SHA-256 of `name:version:device_model`, truncated). */
                firmware_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FirmwareDownloadResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listSigningKeys: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SigningKeyListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    createSigningKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSigningKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SigningKeyResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The key id is taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    deleteSigningKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SigningKeyResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The key comes from configuration */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getDetailedHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DetailedHealthResponseDto"];
                };
            };
            /** @description A required dependency is down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DetailedHealthResponseDto"];
                };
            };
        };
    };
    rollbackDevice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRollbackDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RollbackResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `device/not_found` or `rollback/version_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getServiceStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceStatsResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getFleetStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FleetStatsResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getCampaignStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignStatsResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `campaign/not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    serveDownload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Signed token of the link, as issued */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole file */
            200: {
                headers: {
                    /** @description Always `bytes`: resume with a `Range` request */
                    "Accept-Ranges"?: string;
                    /** @description Bytes in this response */
                    "Content-Length"?: number;
                    /** @description File name to save as */
                    "Content-Disposition"?: string;
                    /** @description Validator for `If-Range`, `If-None-Match` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The requested byte range */
            206: {
                headers: {
                    /** @description Always `bytes`: resume with a `Range` request */
                    "Accept-Ranges"?: string;
                    /** @description Bytes in this response */
                    "Content-Length"?: number;
                    /** @description File name to save as */
                    "Content-Disposition"?: string;
                    /** @description Validator for `If-Range`, `If-None-Match` */
                    ETag?: string;
                    /** @description Which bytes, of how many */
                    "Content-Range"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The link is malformed or tampered with (`download/invalid_token`) or has expired (`download/expired`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The file no longer exists, or storage is S3 (`download/not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The range starts beyond the end of the file (`download/range_not_satisfiable`) */
            416: {
                headers: {
                    /** @description The file size, as `bytes *\/size` */
                    "Content-Range"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    previewTargets: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TargetPreviewRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TargetPreviewResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Unknown firmware_id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No targets (`target/no_targets`), a bad filter (`target/invalid_filter`) or a bad field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    bulkUpdateDevices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkDeviceUpdateDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkUpdateResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such firmware */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    createDeviceUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDeviceUpdateDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateDetailResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such device or firmware */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description `update/device_busy` or `update/incompatible` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The remote device directory is down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listDeviceUpdates: {
        parameters: {
            query?: {
                /** @description Updates listed, newest first. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceUpdateHistoryResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                update_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: viewer */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    cancelUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                update_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Already finished */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    retryUpdate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters. */
                update_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateDetailResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not failed, retries used up, or the device is busy */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    getWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecretStatusResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    createWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecretCreatedResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                /** @description Items to skip. */
                offset?: number;
                status?: "pending" | "delivered" | "failed";
                /** @description e.g. `campaign.completed`. */
                event_type?: string;
                campaign_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryListResponseDto"];
                };
            };
            /** @description Missing, invalid or expired credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Requires role: operator */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    checkInDevice: {
        parameters: {
            query?: never;
            header?: {
                /** @description The `ETag` of the last answer: 304 while it is still the answer */
                "If-None-Match"?: string;
            };
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceCheckInDto"];
            };
        };
        responses: {
            /** @description The released update to work on (or null) and when to check in next */
            200: {
                headers: {
                    /** @description Strong validator of this answer, for `If-None-Match` */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceCheckInResponseDto"];
                };
            };
            /** @description Same answer as the one with the ETag sent in `If-None-Match`; no body */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or invalid device token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not this device: another device's token, or credentials that are neither a device token nor a device_gateway API key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
    reportDeviceUpdateStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The device's id (URL-encode characters such as `/`). */
                device_id: string;
                /** @description 32 lowercase hex characters. */
                update_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeviceStatusReportDto"];
            };
        };
        responses: {
            /** @description The update after the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateResponseDto"];
                };
            };
            /** @description Malformed body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Missing or invalid device token or API key */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Not this device: another device's token, or credentials that are neither a device token nor a device_gateway API key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description No such update for this device (`update/not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The update is finished (`update/terminal`) or the phase goes back (`update/invalid_transition`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Invalid input; `errors` lists each field */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description Over the rate limit of this credential (or address): `request/rate_limited`, with `RateLimit-*` headers */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
            /** @description The database is down, stalled or saturated (`database/unavailable`), or the service is shutting down */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponseDto"];
                };
            };
        };
    };
}
