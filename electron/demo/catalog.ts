import type { Random } from './random';

/** Workspaces of the demo, in the order they are used. */
export const DEMO_WORKSPACES = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'soylent',
  'stark',
  'wayne',
] as const;

export const DEMO_ACTORS = [
  'u_maria.lopez',
  'u_kenji.sato',
  'u_amara.okafor',
  'u_li.wei',
  'svc-scheduler',
  'svc-crm-sync',
] as const;

/** An action the demo enqueues: realistic params, and what a success or a failure returns. */
export interface DemoAction {
  provider: string;
  name: string;
  params(r: Random, workspace: string): Record<string, unknown>;
  result(r: Random, workspace: string): Record<string, unknown>;
  failures: ReadonlyArray<Record<string, unknown>>;
}

const PEOPLE = ['dana', 'sam', 'priya', 'marco', 'yuki', 'olu', 'ines'];
const TOPICS = [
  'Q3 renewal',
  'invoice #4471',
  'onboarding call',
  'incident 2291 follow-up',
  'weekly digest',
];

export const DEMO_ACTIONS: readonly DemoAction[] = [
  {
    provider: 'google',
    name: 'gmail.send',
    params: (r, ws) => ({
      to: `${r.pick(PEOPLE)}@${ws}.example`,
      subject: `Re: ${r.pick(TOPICS)}`,
      body_template: r.pick(['followup_v2', 'receipt', 'meeting_notes']),
      track_opens: r.chance(0.5),
    }),
    result: (r) => ({
      message_id: `18c${r.hex(13)}`,
      thread_id: `18c${r.hex(13)}`,
      label_ids: ['SENT'],
    }),
    failures: [
      {
        error: 'invalid_grant',
        message: 'Google OAuth token expired or revoked; reconnect the account.',
      },
      {
        error: 'rate_limited',
        message: 'Gmail API quota exceeded (429); retry after 60 s.',
        retry_after_s: 60,
      },
    ],
  },
  {
    provider: 'slack',
    name: 'chat.postMessage',
    params: (r) => ({
      channel: r.pick(['#ops-alerts', '#sales', '#support-escalations', '#general']),
      text: `:white_check_mark: ${r.pick(TOPICS)} handled by ${r.pick(PEOPLE)}`,
      unfurl_links: false,
    }),
    result: (r) => ({
      ok: true,
      channel: `C0${r.hex(8).toUpperCase()}`,
      ts: `17${r.int(10000000, 99999999)}.${r.int(100000, 999999)}`,
    }),
    failures: [
      {
        error: 'channel_not_found',
        message: 'Slack says the channel does not exist or the bot is not in it.',
      },
      {
        error: 'ratelimited',
        message: 'Slack API returned 429 Too Many Requests.',
        retry_after_s: 30,
      },
    ],
  },
  {
    provider: 'openai',
    name: 'responses.create',
    params: (r) => ({
      model: r.pick(['gpt-4.1-mini', 'gpt-4.1', 'o4-mini']),
      input: `Summarise the customer thread about ${r.pick(TOPICS)} in three bullet points.`,
      max_output_tokens: r.pick([256, 512, 1024]),
      temperature: 0.2,
    }),
    result: (r) => ({
      response_id: `resp_${r.hex(24)}`,
      status: 'completed',
      usage: { input_tokens: r.int(300, 4000), output_tokens: r.int(80, 900) },
    }),
    failures: [
      {
        error: 'context_length_exceeded',
        message: 'Input is longer than the model context window.',
      },
      { error: 'timeout', message: 'No response within 60 s; the provider may be degraded.' },
    ],
  },
  {
    provider: 'github',
    name: 'issues.create',
    params: (r, ws) => ({
      repo: `${ws}/${r.pick(['web', 'api', 'infra'])}`,
      title: `Customer report: ${r.pick(TOPICS)}`,
      labels: r.pick([['bug'], ['bug', 'p1'], ['support']]),
      assignees: [r.pick(PEOPLE)],
    }),
    result: (r, ws) => {
      const number = r.int(100, 9999);
      return { issue_number: number, url: `https://github.example/${ws}/web/issues/${number}` };
    },
    failures: [
      { error: 'not_found', message: 'Repository not found or the app lacks access (404).' },
    ],
  },
  {
    provider: 'google',
    name: 'calendar.events.insert',
    params: (r) => {
      const day = r.int(1, 28);
      return {
        calendarId: 'primary',
        summary: r.pick(TOPICS),
        start: { dateTime: `2026-12-${String(day).padStart(2, '0')}T15:00:00Z` },
        end: { dateTime: `2026-12-${String(day).padStart(2, '0')}T15:30:00Z` },
        attendees: [{ email: `${r.pick(PEOPLE)}@example.com` }],
      };
    },
    result: (r) => ({
      event_id: r.hex(26),
      html_link: `https://calendar.example/event?eid=${r.hex(20)}`,
    }),
    failures: [
      { error: 'forbidden', message: 'The calendar is read-only for this account (403).' },
    ],
  },
  {
    provider: 'hubspot',
    name: 'crm.contacts.update',
    params: (r, ws) => ({
      contact_id: String(r.int(10000, 99999)),
      properties: { lifecyclestage: r.pick(['lead', 'customer']), company: ws },
    }),
    result: (r) => ({ id: String(r.int(10000, 99999)), updated_at: new Date().toISOString() }),
    failures: [{ error: 'conflict', message: 'Contact was merged into another record (409).' }],
  },
];

/** An enqueue input for a random demo action in the workspace. */
export function demoJob(r: Random, workspace: string) {
  const action = r.pick(DEMO_ACTIONS);
  return {
    action,
    input: {
      workspace_id: workspace,
      action_provider: action.provider,
      action_name: action.name,
      actor_id: r.pick(DEMO_ACTORS),
      params: action.params(r, workspace),
      ...(r.chance(0.6) ? { client_request_id: `req-${r.hex(16)}` } : {}),
    },
  };
}

/** What a worker stores when the job ends: a provider-shaped success, or one of its failures. */
export function demoOutcome(r: Random, action: DemoAction, workspace: string, fail: boolean) {
  return fail
    ? {
        status: 'failed' as const,
        result: { ...r.pick(action.failures), attempt_ms: r.int(80, 60000) },
      }
    : { status: 'completed' as const, result: action.result(r, workspace) };
}

export function actionOf(
  provider: string | null | undefined,
  name: string | null | undefined,
): DemoAction {
  return DEMO_ACTIONS.find((a) => a.provider === provider && a.name === name) ?? DEMO_ACTIONS[0]!;
}
