-- The feed pruner deletes change rows by age every few minutes; without this it scans the table.
CREATE INDEX feed_changes_created ON feed_changes (created_at);
