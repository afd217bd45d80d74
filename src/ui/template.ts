/**
 * Card templates: a little HTML with `{{field}}` placeholders, e.g.
 * `<strong>{{data.location}}</strong> {{data.temperature}}° <em>{{data.conditions}}</em>`.
 *
 * Safety does not rest on this check: the client parses a template in an inert document
 * (DOMParser), copies only the tags below without any attribute but `class`, and fills each
 * placeholder as a text node, so event data is never parsed as HTML. This check refuses, at
 * submit time and naming the component, what the client would drop silently.
 */

/** The tags a template may use (the client keeps the same list: assets/app-script.ts). */
export const TEMPLATE_TAGS: readonly string[] = ['div', 'span', 'p', 'strong', 'em', 'b', 'i', 'small', 'h3', 'h4', 'ul', 'ol', 'li', 'br', 'dl', 'dt', 'dd', 'code'];
const TAG = /<\/?\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>/g;
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
export const FIELD_PATH = /^\s*[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+){0,9}\s*$/;

/** Reasons the template is refused (empty when it is fine). */
export function checkTemplate(template: string): string[] {
  const reasons: string[] = [];
  for (const [, name = '', attributes = ''] of template.matchAll(TAG)) {
    if (!TEMPLATE_TAGS.includes(name.toLowerCase())) reasons.push(`uses <${name}>: a template may use only ${TEMPLATE_TAGS.join(', ')}`);
    const names = [...attributes.matchAll(/([^\s=/]+)\s*(=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)].map((m) => (m[1] ?? '').toLowerCase());
    const other = names.filter((attribute) => attribute !== 'class');
    if (other.length > 0) reasons.push(`gives <${name}> the attribute ${other[0]}: only "class" is kept`);
  }
  for (const [, field = ''] of template.matchAll(PLACEHOLDER)) {
    if (!FIELD_PATH.test(field)) reasons.push(`has the placeholder {{${field}}}: use a field path such as {{data.location}}`);
  }
  if (/\{\{\{/.test(template)) reasons.push('uses {{{ }}}: placeholders are always filled as text');
  return [...new Set(reasons)];
}
