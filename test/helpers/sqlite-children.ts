/**
 * Every child event in an embedded database file, grouped by parent, read from the file itself
 * (not through the API, which pages newest-first and caps at 500). A child exists once it was
 * emitted, wherever it is now: processed (a record), still queued, or dead-lettered; each
 * (user, id) counts once however many of those places hold it. So a parent re-processed with
 * non-deterministic child ids shows two children of one kind, even before they are processed.
 */
import Database from 'better-sqlite3';

/** `user\nparent id` -> child type -> number of distinct child ids. */
export type ChildrenByParent = Map<string, Map<string, number>>;

export const parentKey = (userId: string, parentId: string): string => `${userId}\n${parentId}`;

interface ChildRow {
  body: string;
}

export function childrenInDatabase(file: string): ChildrenByParent {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // Every envelope the file holds; the record column keeps the envelope under `event`.
    const rows = db
      .prepare<[], ChildRow>(
        `SELECT json_extract(record, '$.event') AS body FROM event_records
         UNION ALL SELECT body FROM bus_messages
         UNION ALL SELECT body FROM dead_letters`,
      )
      .all();
    const seen = new Set<string>();
    const children: ChildrenByParent = new Map();
    for (const { body } of rows) {
      const event = JSON.parse(body) as { id: string; type: string; userid: string; causationid?: string };
      if (event.causationid === undefined) continue;
      const id = `${event.userid}\n${event.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const key = parentKey(event.userid, event.causationid);
      const byType = children.get(key) ?? new Map<string, number>();
      byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
      children.set(key, byType);
    }
    return children;
  } finally {
    db.close();
  }
}

/** The children of one parent as `{type: count}`, for a readable deepEqual. */
export function childCounts(children: ChildrenByParent, userId: string, parentId: string): Record<string, number> {
  return Object.fromEntries([...(children.get(parentKey(userId, parentId)) ?? new Map<string, number>())].sort(([a], [b]) => (a < b ? -1 : 1)));
}
