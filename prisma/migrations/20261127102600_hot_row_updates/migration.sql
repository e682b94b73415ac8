-- Room on every page for a newer version of its rows, so the frequent updates that touch no
-- indexed column (the last_seen_at of a device, the progress of an update within one state) are
-- HOT: the row is rewritten in place and none of the indexes of the table (three of them GIN on
-- devices) get a new entry. The Prisma schema cannot express storage parameters, so they live here.
ALTER TABLE "ota"."devices" SET (fillfactor = 80);
ALTER TABLE "ota"."device_updates" SET (fillfactor = 80);
