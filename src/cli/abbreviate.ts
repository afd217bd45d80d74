/**
 * A value as JSON in at most `room` characters, for one line of a terminal: whole when it fits,
 * else with nested objects and arrays collapsed level by level (`{…}`, `[…3]`) and long strings
 * cut, so the top-level fields stay readable; what still does not fit is cut with `…`.
 */
const MAX_STRING = 40;
const MAX_ITEMS = 20;

export function abbreviate(value: unknown, room: number): string {
  const whole = JSON.stringify(value) ?? String(value);
  if (whole.length <= room) return whole;
  let text = whole;
  for (const depth of [2, 1]) {
    text = collapsed(value, depth);
    if (text.length <= room) return text;
  }
  return `${text.slice(0, Math.max(0, room - 1))}…`;
}

function collapsed(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING - 1)}…` : value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (depth === 0) return `[…${value.length}]`;
    const items = value.slice(0, MAX_ITEMS).map((item: unknown) => collapsed(item, depth - 1));
    return `[${items.join(',')}${value.length > MAX_ITEMS ? ',…' : ''}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    if (depth === 0) return '{…}';
    const fields = entries.slice(0, MAX_ITEMS).map(([key, item]) => `${JSON.stringify(key)}:${collapsed(item, depth - 1)}`);
    return `{${fields.join(',')}${entries.length > MAX_ITEMS ? ',…' : ''}}`;
  }
  return JSON.stringify(value) ?? String(value);
}
