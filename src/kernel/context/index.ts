/**
 * The context hub: the query AST every store compiles, the text query language that produces it,
 * the semantics every store shares (match, entries, search text), the new user's workspace and
 * the read-modify-write that keeps metadata.
 */
export {
  conditionSchema,
  contextQuerySchema,
  FIELD_PATH,
  fieldSchema,
  MAX_CONDITION_DEPTH,
  MAX_QUERY_LIMIT,
  scalarSchema,
  type Condition,
  type ContextQuery,
  type ContextQueryInput,
  type Scalar,
} from './query.js';
export { MAX_CONDITION_TERMS, MAX_IN_VALUES, MAX_QUERY_TEXT_LENGTH, parseContextQuery } from './query-language.js';
export {
  MAX_ORDER_BY_TEXT_LENGTH,
  parseContextRequest,
  parseOrderBy,
  type ContextRequestOptions,
  type ContextRequestParams,
  type OrderBy,
} from './query-request.js';
export { conditionDepth, formatCondition, formatValue } from './query-format.js';
export { BUILT_IN_FIELDS, BUILT_IN_TYPES, ENTRY_KINDS, isBuiltInField, type BuiltInField } from './query-fields.js';
export { checkContextQuery, entryComparator, fieldValue, matches, MAX_CONDITION_NODES, metadataKeys } from './match.js';
export { ContextWorkspace, WELCOME_PATH, WORKSPACE_FOLDERS } from './workspace.js';
export { writeDocument, type WrittenDocument } from './write-document.js';
export { FOLDER_CONTENT_TYPE, ROOT, checkLimit, checkPath, checkPreconditions, checkUser, checkWriteOptions, compareCodePoints, foldersAbove, invalid, isJsonContentType, isWithin, nameOf, newEtag, parentOf, parseMetadata, prepareWrite, readContent, resolveLimits, rootEntry, subtreeRange } from './entries.js';
export { bm25, type IndexedText, SEARCH_WEIGHTS, SNIPPET_WORDS, foldWord, indexedText, searchSnippet, searchWords, wordSpans, wordsOf } from './search-text.js';
export { jsonPathOf } from './match.js';
export { contextArguments } from './store-arguments.js';
