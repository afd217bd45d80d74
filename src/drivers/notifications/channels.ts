/**
 * Webhook channels, configured in the project file (never in events, so an event cannot point
 * the system at an arbitrary URL):
 *
 *   notifications:
 *     channels:
 *       - { id: ops, url: "https://hooks.example.com/vextir", format: json, secretSetting: OPS_WEBHOOK_SECRET }
 *       - { id: team-slack, url: "https://hooks.slack.com/services/...", format: slack, users: [alice, bob] }
 *
 * `secretSetting` is the NAME of the setting holding the signing secret (`*_SECRET`); `json`
 * channels must have one. `users` limits who may send to the channel (default: every user).
 */
import { z } from 'zod';
import { KernelError, userIdSchema } from '../../kernel/index.js';
import { CHANNEL_ID } from './contract.js';

const SECRET_SETTING = /^[A-Z][A-Z0-9_]{0,100}_SECRET$/;

export const webhookChannelSchema = z
  .strictObject({
    id: z.string().regex(CHANNEL_ID, 'must be lower-case letters, digits, "_" or "-", starting with a letter'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    /** json: Vextir's own signed body; slack and teams: those services' incoming-webhook payloads. */
    format: z.enum(['json', 'slack', 'teams']).default('json'),
    secretSetting: z.string().regex(SECRET_SETTING, 'must be the name of a setting ending in _SECRET').optional(),
    users: z.array(userIdSchema).min(1).optional(),
    /** Deliveries tried before the notification is dead-lettered (capped by VEXTIR_MAX_DELIVERY_COUNT). */
    maxAttempts: z.number().int().min(1).max(100).default(5),
    /** How long one POST may take. */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  })
  .refine((channel) => channel.format !== 'json' || channel.secretSetting !== undefined, { message: 'a json channel needs a secretSetting (its receiver verifies signatures)', path: ['secretSetting'] });
export type WebhookChannelConfig = z.infer<typeof webhookChannelSchema>;

export const notificationsSectionSchema = z
  .strictObject({ channels: z.array(webhookChannelSchema).default([]) })
  .refine((section) => new Set(section.channels.map((channel) => channel.id)).size === section.channels.length, { message: 'channel ids must be unique', path: ['channels'] });
export type NotificationsSection = z.infer<typeof notificationsSectionSchema>;

export interface WebhookChannel extends WebhookChannelConfig {
  secret: string | undefined;
}

/**
 * The channels with their secrets read from the settings. A channel whose secret setting is
 * not set stops the start: a json receiver would refuse every unsigned delivery anyway.
 */
export function resolveChannels(section: NotificationsSection, setting: (name: string) => string | undefined): ReadonlyMap<string, WebhookChannel> {
  const channels = new Map<string, WebhookChannel>();
  for (const channel of section.channels) {
    const secret = channel.secretSetting === undefined ? undefined : setting(channel.secretSetting);
    if (channel.secretSetting !== undefined && secret === undefined) {
      throw new KernelError('invalid_input', `notification channel "${channel.id}": the setting ${channel.secretSetting} (its signing secret) is not set`);
    }
    channels.set(channel.id, { ...channel, secret });
  }
  return channels;
}

/** Undefined when `user` may send to the channel, else why not. */
export function channelRefusal(channel: WebhookChannel, user: string): string | undefined {
  if (channel.users === undefined || channel.users.includes(user)) return undefined;
  return `channel "${channel.id}" is not open to user ${user}`;
}
