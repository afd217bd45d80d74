/**
 * The kernel bench's workload: six drivers with twelve capability patterns between them (exact
 * types and `prefix.*`), each doing a small, realistic piece of work (read the input data, build
 * one follow-up event), and the pre-built envelopes fed to them, as the bus would hand them over.
 */
import { defineDriver } from '../src/drivers/index.js';
import type { Driver, Envelope } from '../src/kernel/index.js';

type Data = Record<string, unknown>;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

const URGENT = ['urgent', 'asap', 'today', 'deadline'];

export function benchDrivers(): Driver[] {
  return [
    defineDriver({
      manifest: { id: 'mail', name: 'Mail triage', version: '1.0.0', type: 'io', capabilities: ['email.received', 'email.bounced'], resources: { maxConcurrency: 64 } },
      async handle(event) {
        const data = event.data as Data;
        const subject = text(data['subject']).toLowerCase();
        const words = text(data['body']).split(/\s+/).length;
        const urgent = URGENT.some((word) => subject.includes(word));
        return [{ type: urgent ? 'email.flagged' : 'email.filed', data: { messageId: data['messageId'], from: data['from'], words, urgent } }];
      },
    }),
    defineDriver({
      manifest: { id: 'calendar', name: 'Calendar', version: '1.0.0', type: 'tool', capabilities: ['calendar.*', 'meeting.requested'], resources: { maxConcurrency: 64 } },
      async handle(event) {
        const data = event.data as Data;
        const start = Date.parse(text(data['start']));
        const end = start + num(data['minutes']) * 60_000;
        const attendees = Array.isArray(data['attendees']) ? data['attendees'].length : 0;
        return [{ type: 'calendar.slot.held', data: { title: data['title'], start: new Date(start).toISOString(), end: new Date(end).toISOString(), attendees } }];
      },
    }),
    defineDriver({
      manifest: { id: 'tasks', name: 'Task planner', version: '1.0.0', type: 'agent', capabilities: ['task.*', 'todo.added'], resources: { maxConcurrency: 64 } },
      async handle(event) {
        const data = event.data as Data;
        const title = text(data['title']).trim();
        const tags = text(data['notes']).match(/#[a-z]+/g) ?? [];
        return [{ type: 'task.planned', data: { title, priority: Math.min(5, num(data['priority']) + tags.length), tags, steps: title.split(' ').length } }];
      },
    }),
    defineDriver({
      manifest: { id: 'weather', name: 'Weather', version: '1.0.0', type: 'tool', capabilities: ['weather.get', 'weather.alert.*'], resources: { maxConcurrency: 64 } },
      async handle(event) {
        const data = event.data as Data;
        const readings = Array.isArray(data['readings']) ? (data['readings'] as number[]) : [];
        const mean = readings.reduce((sum, value) => sum + value, 0) / Math.max(1, readings.length);
        return [{ type: 'weather.report', data: { city: data['city'], meanC: Math.round(mean * 10) / 10, max: Math.max(...readings), alert: event.type.startsWith('weather.alert.') } }];
      },
    }),
    defineDriver({
      manifest: { id: 'assistant', name: 'Assistant', version: '1.0.0', type: 'agent', capabilities: ['context.read', 'model.request'], resources: { maxConcurrency: 64 } },
      async handle(event) {
        const data = event.data as Data;
        const messages = Array.isArray(data['messages']) ? (data['messages'] as Data[]) : [];
        const prompt = messages.map((message) => text(message['content'])).join('\n');
        return [{ type: event.type === 'model.request' ? 'model.response' : 'context.result', data: { path: data['path'], model: data['model'], promptChars: prompt.length } }];
      },
    }),
    defineDriver({
      manifest: { id: 'notify', name: 'Notifier', version: '1.0.0', type: 'ui', capabilities: ['notify.*', 'ui.click'], resources: { maxConcurrency: 64 } },
      async handle(event) {
        const data = event.data as Data;
        const message = `${text(data['title'])}: ${text(data['message'])}`.slice(0, 140);
        return [{ type: 'ui.toast', category: 'output', data: { user: event.userid, message, channel: text(data['channel']) || 'web' } }];
      },
    }),
  ];
}

/**
 * Traffic as it comes: mail (bodies with a signature: an address and a phone number), calendar,
 * tasks, weather, notifications, context requests and model requests; each routed to exactly one
 * driver.
 */
const INPUTS: Array<{ type: string; data: (i: number) => Data }> = [
  { type: 'email.received', data: (i) => email(i) },
  { type: 'email.bounced', data: (i) => email(i) },
  { type: 'calendar.event.created', data: (i) => meeting(i) },
  { type: 'meeting.requested', data: (i) => meeting(i) },
  { type: 'task.created', data: (i) => task(i) },
  { type: 'todo.added', data: (i) => task(i) },
  { type: 'weather.get', data: (i) => weather(i) },
  { type: 'weather.alert.storm', data: (i) => weather(i) },
  { type: 'notify.user', data: (i) => note(i) },
  { type: 'ui.click', data: (i) => note(i) },
  { type: 'context.read', data: (i) => ({ path: `/Projects/project-${i % 20}/notes` }) },
  { type: 'model.request', data: (i) => modelRequest(i) },
];

export const INPUT_TYPES: readonly string[] = INPUTS.map((input) => input.type);

function email(i: number): Data {
  return {
    messageId: `<m${i}@mail.example.com>`,
    from: `sender${i % 97}@example.com`,
    to: ['me@example.com'],
    subject: i % 3 === 0 ? `Urgent: invoice ${i} due today` : `Weekly newsletter #${i}`,
    // Every body is new (a reply quotes something each time), the signature under it is not.
    body:
      `Hello, please find the figures for invoice ${i} attached. Let me know if anything needs changing before Friday. Thanks!\n\n` +
      `-- \nSam Carter, Finance\nsam.carter${i % 13}@example.com | +44 20 7946 0${String(i % 1000).padStart(3, '0')}`,
  };
}
function modelRequest(i: number): Data {
  return {
    model: i % 2 === 0 ? 'gpt-4o-mini' : 'claude-haiku',
    messages: [
      { role: 'system', content: 'You are a helpful assistant that summarises mail.' },
      { role: 'user', content: `Summarise the mail from ann${i % 31}@example.com about invoice ${4400 + i} and draft a short reply.` },
    ],
  };
}
function meeting(i: number): Data {
  return { title: `Sync ${i}`, start: '2026-03-02T09:30:00.000Z', minutes: 30 + (i % 4) * 15, attendees: ['a@example.com', 'b@example.com', 'c@example.com'] };
}
function task(i: number): Data {
  return { title: `Prepare the quarterly report ${i}`, priority: i % 3, notes: 'Collect numbers from #finance and #sales, draft by Thursday' };
}
function weather(i: number): Data {
  return { city: ['Oslo', 'Lisbon', 'Austin', 'Osaka'][i % 4], readings: [12.5, 13.1, 14.8, 15.2, 13.9, 12.7, 11.4, 10.9] };
}
function note(i: number): Data {
  return { title: 'Reminder', message: `Your build ${i} finished successfully in 42 s`, channel: i % 2 === 0 ? 'web' : '' };
}

/**
 * `count` valid root envelopes with unique ids, cycling through the input types, numbered from
 * `first`. What is new in every event of real traffic (a mail's body, a question to a model, a
 * title) is new in each of these; what real traffic repeats (senders, recipients, a system
 * prompt, cities) repeats here too. So a bench that runs many rounds numbers each round on from
 * the last (see kernel.ts), or caches keyed on content would see every event again.
 */
export function buildEnvelopes(count: number, prefix = 'evt', first = 0): Envelope[] {
  const time = new Date('2026-03-01T12:00:00.000Z').toISOString();
  return Array.from({ length: count }, (_, index) => {
    const i = first + index;
    const input = INPUTS[i % INPUTS.length] ?? INPUTS[0]!;
    const id = `${prefix}_${i.toString(36).padStart(8, '0')}`;
    return {
      specversion: '1.0',
      id,
      type: input.type,
      source: '/bench/kernel',
      time,
      userid: `user${i % 8}`,
      category: 'input',
      correlationid: id,
      depth: 0,
      data: input.data(i),
    };
  });
}
