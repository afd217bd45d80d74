/**
 * UI applications as data: the format (validated on submit, naming the component), each user's
 * applications in the StateStore, the built-in operator's dashboard, and the static pages and
 * assets that render them in a browser.
 */
export { APP_CSP, appAsset, appShell, CLIENT_MODULES, type PageResponse } from './pages.js';
export { escapeHtml, renderMarkdown } from './markdown.js';
export { parseUiApplication, readUiApplicationDocument, type ParseOptions, type UiIssue } from './parse.js';
export { allComponents, COMPONENT_TYPES, SYSTEM_APP_ID, uiApplicationSchema, type UiApplication, type UiComponent, type UiFormField, type UiPage } from './schema.js';
export { windowMs } from './schema-parts.js';
export { SYSTEM_APP_YAML } from './system-app.js';
export { UI_APP_KIND, UI_APP_PATH_KIND, UiAppStore, type UiAppEntry } from './store.js';
export { checkTemplate, TEMPLATE_TAGS } from './template.js';
