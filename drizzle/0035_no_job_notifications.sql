-- Hand-written: no module ever sent a `job` notification (a finished job is the `job.finished` event
-- and its toast), so the type leaves the preferences screen; a choice saved for it meant nothing.
DELETE FROM "notification_preferences" WHERE "type" = 'job';--> statement-breakpoint
DELETE FROM "notifications" WHERE "type" = 'job';
