ALTER TABLE clusters DROP COLUMN keep_ended_logs;
DROP TABLE ended_pod_logs;
