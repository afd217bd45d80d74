/**
 * UI applications as data: the format (validated on submit, naming the component), each user's
 * applications in the StateStore, and the static pages and assets that render them in a browser.
 */
export { APP_CSP, appAsset, appShell, type PageResponse } from './pages.js';
export { escapeHtml, renderMarkdown } from './markdown.js';
export { parseUiApplication, readUiApplicationDocument, type UiIssue } from './parse.js';
export { COMPONENT_TYPES, uiApplicationSchema, windowMs, type UiApplication, type UiComponent, type UiFormField } from './schema.js';
export { UI_APP_KIND, UI_APP_PATH_KIND, UiAppStore, type UiAppEntry } from './store.js';
export { checkTemplate, TEMPLATE_TAGS } from './template.js';
