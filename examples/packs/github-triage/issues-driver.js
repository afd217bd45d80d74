// @ts-check
// The github-triage pack's driver: a repository's new issues from the GitHub REST API, and the
// labels its triage agent chooses. A plain ES module with no imports from Vextir OS; in the pack's
// sandbox its `fetch` is the host's, which reaches only the hosts the manifest declares.
//
//   github.issues.check  { repo: "owner/name", since?: RFC 3339 }
//                        -> github.issue.opened { repo, number, title, body, url, author, labels, createdAt }
//                           for each open issue (pull requests left out) created at or after `since`
//   github.issue.label   { repo, number, labels: [name, ...] }
//                        -> github.issue.labeled { repo, number, labels }   (the issue's labels after)
//
// Options: apiUrl (default https://api.github.com), token (sent as a bearer token; labelling
// needs one with issues: write), perPage (default 30, at most 100), id (default github-triage-issues).
//
// The API slice used: GET /repos/{owner}/{repo}/issues?state=open&sort=created&direction=desc
// &per_page=&since= and POST /repos/{owner}/{repo}/issues/{number}/labels {labels}.

const REPO = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const LABEL = /^[^\u0000-\u001f,]{1,50}$/;

/** A failure Vextir OS should retry (GitHub down or rate limiting): it redelivers the event later. */
function retryable(/** @type {string} */ message) {
  return Object.assign(new Error(message), { name: 'KernelError', code: 'unavailable', retryable: true });
}

/** A failure retrying cannot fix (bad input, no such repository): reported as an `error` event. */
function permanent(/** @type {string} */ message) {
  return Object.assign(new Error(message), { name: 'KernelError', code: 'driver_failed', retryable: false });
}

/**
 * @typedef {{ apiUrl?: string, token?: string, perPage?: number, id?: string }} IssuesOptions
 * @param {IssuesOptions} options
 */
export default function createIssuesDriver(options = {}) {
  const apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/$/, '');
  if (!/^https?:\/\/[^/]/.test(apiUrl)) throw new Error('github-triage driver: options.apiUrl must be an http(s) URL');
  const perPage = options.perPage ?? 30;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw new Error('github-triage driver: options.perPage must be an integer from 1 to 100');

  /**
   * @param {string} path
   * @param {AbortSignal} signal
   * @param {unknown} [body]
   */
  async function github(path, signal, body) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'vextir-pack-github-triage' };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response;
    try {
      response = await fetch(`${apiUrl}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, signal, ...(body !== undefined && { body: JSON.stringify(body) }) });
    } catch (error) {
      throw retryable(`GitHub unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    // 403 with no requests left is GitHub's rate limit; 429 its secondary one.
    if (response.status === 429 || response.status >= 500 || (response.status === 403 && response.headers.get('x-ratelimit-remaining') === '0')) {
      throw retryable(`GitHub answered ${response.status}`);
    }
    if (!response.ok) throw permanent(`GitHub answered ${response.status} for ${path.split('?')[0]}`);
    return response.json();
  }

  return {
    manifest: {
      id: typeof options.id === 'string' ? options.id : 'github-triage-issues',
      name: 'GitHub issues',
      version: '1.0.0',
      type: 'io',
      author: 'Vextir OS examples',
      description: "A repository's new issues from the GitHub REST API, and labels applied to them",
      capabilities: ['github.issues.check', 'github.issue.label'],
      resources: { timeout: '20s', maxConcurrency: 4 },
    },
    /**
     * @param {{ type: string, data?: unknown }} event
     * @param {{ signal: AbortSignal }} context
     */
    async handle(event, context) {
      const data = /** @type {Record<string, unknown>} */ (typeof event.data === 'object' && event.data !== null ? event.data : {});
      const repo = data['repo'];
      if (typeof repo !== 'string' || !REPO.test(repo)) throw permanent('data.repo must be "owner/name"');
      if (event.type === 'github.issues.check') return check(repo, data['since'], context.signal);
      return label(repo, data, context.signal);
    },
  };

  /**
   * @param {string} repo
   * @param {unknown} since
   * @param {AbortSignal} signal
   */
  async function check(repo, since, signal) {
    if (since !== undefined && (typeof since !== 'string' || Number.isNaN(Date.parse(since)))) throw permanent('data.since must be an RFC 3339 time');
    const query = new URLSearchParams({ state: 'open', sort: 'created', direction: 'desc', per_page: String(perPage) });
    if (since !== undefined) query.set('since', since);
    const issues = await github(`/repos/${repo}/issues?${query}`, signal);
    if (!Array.isArray(issues)) throw permanent('GitHub answered something other than a list of issues');
    const from = since === undefined ? -Infinity : Date.parse(since);
    // `since` filters by update time; "new" means created since. Pull requests are issues to this API.
    return issues
      .filter((issue) => issue && typeof issue === 'object' && !('pull_request' in issue) && Date.parse(issue.created_at) >= from)
      .map((issue) => ({
        type: 'github.issue.opened',
        key: `${repo}#${issue.number}`,
        data: {
          repo,
          number: issue.number,
          title: String(issue.title ?? ''),
          body: String(issue.body ?? '').slice(0, 4000),
          url: issue.html_url,
          author: issue.user?.login,
          labels: (issue.labels ?? []).map((/** @type {{ name?: string } | string} */ l) => (typeof l === 'string' ? l : l.name)),
          createdAt: issue.created_at,
        },
      }));
  }

  /**
   * @param {string} repo
   * @param {Record<string, unknown>} data
   * @param {AbortSignal} signal
   */
  async function label(repo, data, signal) {
    const { number, labels } = data;
    if (!Number.isInteger(number) || /** @type {number} */ (number) < 1) throw permanent('data.number must be an issue number');
    if (!Array.isArray(labels) || labels.length === 0 || labels.length > 10 || !labels.every((l) => typeof l === 'string' && LABEL.test(l))) {
      throw permanent('data.labels must be 1-10 label names');
    }
    const after = await github(`/repos/${repo}/issues/${number}/labels`, signal, { labels });
    const names = Array.isArray(after) ? after.map((l) => l?.name).filter((name) => typeof name === 'string') : labels;
    return [{ type: 'github.issue.labeled', data: { repo, number, labels: names } }];
  }
}
