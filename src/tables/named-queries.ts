/**
 * The named queries of the README, runnable as `guppy sql @NAME DIR`. They keep to
 * SQL that DuckDB, Spark SQL and Trino all read (window functions, min_by/max_by,
 * no DuckDB shorthands), so the README's Spark and Trino forms differ only in how
 * the tables are declared. Snapshots of one process are ordered by max_object_id.
 */
export const NAMED_QUERIES: Readonly<Record<string, string>> = Object.freeze({
  "classes-grew-every-step": `WITH s AS (SELECT snapshot, row_number() OVER (ORDER BY max_object_id) AS step FROM snapshots),
k AS (SELECT DISTINCT class FROM classes),
grid AS (
  SELECT k.class, s.step, coalesce(c.count, 0) AS count
  FROM k CROSS JOIN s LEFT JOIN classes c ON c.class = k.class AND c.snapshot = s.snapshot),
d AS (SELECT class, step, count, count - lag(count) OVER (PARTITION BY class ORDER BY step) AS delta FROM grid)
SELECT class, min_by(count, step) AS first_count, max_by(count, step) AS last_count,
  max_by(count, step) - min_by(count, step) AS growth
FROM d GROUP BY class HAVING min(delta) > 0
ORDER BY growth DESC, class`,
  "collections-grew-every-step": `WITH s AS (SELECT snapshot, row_number() OVER (ORDER BY max_object_id) AS step, count(*) OVER () AS steps FROM snapshots),
o AS (
  SELECT o.id, s.step, s.steps, o.class, o.entries, o.retained_size
  FROM objects o JOIN s ON s.snapshot = o.snapshot WHERE o.reachable AND o.entries IS NOT NULL),
d AS (SELECT o.*, entries - lag(entries) OVER (PARTITION BY id ORDER BY step) AS delta FROM o)
SELECT id, max_by(class, step) AS class, min_by(entries, step) AS first_entries, max_by(entries, step) AS last_entries,
  max_by(retained_size, step) AS retained_size
FROM d GROUP BY id
HAVING count(*) = max(steps) AND min(delta) > 0 AND max_by(entries, step) - min_by(entries, step) >= 10
ORDER BY max_by(entries, step) - min_by(entries, step) DESC, max_by(retained_size, step) DESC, id`,
  "class-growth": `SELECT s.snapshot, coalesce(c.count, 0) AS count, coalesce(c.shallow_size, 0) AS shallow_size,
  coalesce(c.retained_size, 0) AS retained_size
FROM snapshots s LEFT JOIN classes c ON c.snapshot = s.snapshot AND c.class = 'Leaked'
ORDER BY s.max_object_id`,
  "top-retainers": `SELECT snapshot, place, id, class, retained_size FROM (
  SELECT snapshot, id, class, retained_size,
    row_number() OVER (PARTITION BY snapshot ORDER BY retained_size DESC, id) AS place
  FROM objects WHERE reachable AND distance > 0 AND type NOT IN ('synthetic', 'hidden')) t
WHERE place <= 5
ORDER BY snapshot, place`,
  "detached-dom": `SELECT snapshot, count(*) AS detached_nodes, sum(shallow_size) AS shallow_size, sum(retained_size) AS retained_size
FROM objects WHERE detachedness = 'detached' OR class LIKE 'Detached %'
GROUP BY snapshot ORDER BY snapshot`,
});

/** The SQL a `guppy sql` argument stands for: a named query for `@NAME`, else the text itself. */
export function queryText(arg: string): string | null {
  if (!arg.startsWith("@")) return arg;
  return NAMED_QUERIES[arg.slice(1)] ?? null;
}
