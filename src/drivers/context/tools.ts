/**
 * The Context Hub as native tools for agents: `context_read`, `context_write`, `context_query`
 * and `context_search`, each a `context.*` request event answered by this driver. Their input
 * schemas are derived from the driver's own request schemas (requests.ts) — the same fields and
 * limits, with descriptions for a model — so a call the tool accepts is a request the driver
 * accepts. Where a request takes text or an AST (a query's `where`), the tool offers the text
 * form: models write the query language better than its syntax tree.
 */
import { z } from 'zod';
import { defineEventTool, type JsonSchema, type ToolDefinition } from '../../registries/tools/index.js';
import { queryRequestSchema, readRequestSchema, searchRequestSchema, writeRequestSchema } from './requests.js';

const OWNER = "Another user's id, to reach their hub where they granted access; omit for the user you work for.";
const PATH = 'An absolute path such as "/Projects/Alpha/status" (segments separated by "/").';

const read = readRequestSchema.shape;
const write = writeRequestSchema.shape;
const query = queryRequestSchema.shape;
const search = searchRequestSchema.shape;

/** zod -> JSON Schema of what a caller may send (defaults make fields optional), without the dialect tag. */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' });
  return rest;
}

/** The tool-facing shapes: the driver's field schemas, described. Exported for the sync test. */
export const contextToolSchemas = {
  context_read: z.strictObject({
    path: read.path.describe(`The document or folder to read. ${PATH}`),
    version: read.version.describe('An earlier version number, to read that version instead of the current one.'),
    owner: read.owner.describe(OWNER),
  }),
  context_write: z.strictObject({
    path: write.path.describe(`Where to write the document; missing folders are created. ${PATH}`),
    content: write.content.describe('The document: a JSON value (object, array, number...) or a string of text.'),
    contentType: write.contentType.describe('The media type, e.g. "text/markdown"; default text/plain for a string, application/json otherwise.'),
    metadata: write.metadata.describe('A JSON object of metadata (e.g. {"priority": "high", "tags": ["q3"]}) that queries can filter on; omit to keep the current metadata.'),
    ifMatch: write.ifMatch.describe('Only write if the document still has this etag (from an earlier read): protects against overwriting a change made since.'),
    ifNoneMatch: write.ifNoneMatch.describe('"*": only write if nothing exists at the path yet.'),
    owner: write.owner.describe(OWNER),
  }),
  context_query: z.strictObject({
    prefix: query.prefix.describe('The folder to query under, e.g. "/Projects" (default "/": everything).'),
    where: query.where.unwrap().options[0].optional().describe('A condition in the query language, e.g. `priority = "high" and progress > 0.5`, `tags contains "q3"`, `name startsWith "Q3" and updatedAt >= "2025-06-01"`. Operators: = != < <= > >= in (...) contains startsWith exists, joined by and/or/not. Fields: path, name, kind, contentType, size, version, createdAt, updatedAt; any other name is a metadata field.'),
    orderBy: query.orderBy.unwrap().options[0].optional().describe('e.g. "updatedAt desc" or "priority, name".'),
    limit: query.limit.describe('The most entries to return (default 100).'),
    kinds: query.kinds.unwrap().options[0].optional().describe('"document" (the default), "folder" or "document,folder".'),
    owner: query.owner.describe(OWNER),
  }),
  context_search: z.strictObject({
    text: search.text.describe('The words to search for (all must occur) in names, text and metadata.'),
    prefix: search.prefix.describe('Only documents under this folder, e.g. "/Research" (default "/": everything).'),
    limit: search.limit.describe('The most hits to return (default 20).'),
    owner: search.owner.describe(OWNER),
  }),
} as const;

const DESCRIPTIONS = {
  context_read:
    "Read a document (its content, contentType, metadata, version and etag) or a folder's listing from the user's Context Hub, their persistent memory of documents under paths. Use it when you know the path; use context_search or context_query to find paths.",
  context_write:
    "Create or replace a document in the user's Context Hub at a path. Use it to save results, notes and summaries the user or other agents should find later. Replacing keeps the earlier version.",
  context_query:
    "List documents in the user's Context Hub under a folder that match a condition on their metadata, sorted as asked (no content: read the ones you need with context_read). Use it for structured questions such as 'high-priority projects updated this week'.",
  context_search:
    "Full-text search of the user's Context Hub: the best matching documents with a snippet each, best first. Use it to find what the user knows or has written about a topic.",
} as const;

const RESULTS = {
  context_read: { eventType: 'context.read', resultTypes: ['context.read.result'] },
  context_write: { eventType: 'context.write', resultTypes: ['context.updated'] },
  context_query: { eventType: 'context.query', resultTypes: ['context.query.result'] },
  context_search: { eventType: 'context.search', resultTypes: ['context.search.result'] },
} as const;

/** The four Context Hub tools, answered by the built-in `context` driver (`context.error` for refusals). */
export function contextTools(): ToolDefinition[] {
  return (Object.keys(contextToolSchemas) as Array<keyof typeof contextToolSchemas>).map((name) =>
    defineEventTool({
      name,
      description: DESCRIPTIONS[name],
      inputSchema: jsonSchemaOf(contextToolSchemas[name]),
      eventType: RESULTS[name].eventType,
      resultTypes: RESULTS[name].resultTypes,
      errorTypes: ['context.error'],
      driver: 'context',
    }),
  );
}
