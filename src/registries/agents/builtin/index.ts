/**
 * The agents every deployment has (the seed's three). Kept as YAML — the same form a user
 * gets from `vextir agents get chat` and can copy, change and put back under an id of their own.
 */
import { CHAT_AGENT_YAML } from './chat.js';
import { EMAIL_ASSISTANT_YAML } from './email.js';
import { RESEARCH_AGENT_YAML } from './research.js';

export const BUILT_IN_AGENT_DOCUMENTS: readonly string[] = Object.freeze([CHAT_AGENT_YAML, RESEARCH_AGENT_YAML, EMAIL_ASSISTANT_YAML]);
