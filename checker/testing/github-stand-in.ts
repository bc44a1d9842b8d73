import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { git } from './git-cli.ts';
import { ApiError, initBareRepository, newStandInCache, StandInGit, type TreeInput } from './stand-in-git.ts';

/**
 * A local stand-in for the GitHub REST API, for tests, benchmarks and the demo: the Git Data endpoints the
 * `github` store uses (refs, trees, blobs, commits, the commit list) with GitHub's JSON shapes and status codes,
 * backed by a real bare git repository, so `git --git-dir <repoDir> log status` shows what was committed.
 * Listens on 127.0.0.1, port 0.
 */

/** A failure the next matching requests get instead of their normal answer. */
export interface StandInFault {
  /**
   * not-fast-forward: 422 "Update is not a fast forward"; server-error: 500; rate-limit: 403 with
   * x-ratelimit-remaining: 0; secondary-rate-limit: 403 with retry-after; too-many-requests: 429 with retry-after;
   * forbidden: 403 "Resource not accessible by integration" (a token without contents: write);
   * hang: accepts the request and never answers; html: 200 with an HTML page (a captive portal, a wrong
   * GITHUB_API_URL); proxy-error: 502 with an HTML page; echo-auth: 400 whose message echoes the
   * Authorization header, whole and as a 20-character prefix, after padding (a hostile front end).
   */
  kind:
    | 'hang'
    | 'html'
    | 'proxy-error'
    | 'echo-auth'
    | 'not-fast-forward'
    | 'server-error'
    | 'rate-limit'
    | 'secondary-rate-limit'
    | 'too-many-requests'
    | 'forbidden';
  /** How many requests get it (default 1). */
  times?: number;
  /** Only requests with this method (e.g. PATCH), default any. */
  method?: string;
  /** Only requests whose path matches, default any. */
  path?: RegExp;
  /** Seconds in retry-after / until x-ratelimit-reset (default 1). */
  seconds?: number;
}

/** One request the stand-in answered. */
export interface StandInRequest {
  method: string;
  path: string;
  status: number;
}

/** A running stand-in. */
export interface GithubStandIn {
  /** API base URL, e.g. http://127.0.0.1:40123 (pass as apiUrl / baseUrl). */
  url: string;
  /** The bare repository behind it. */
  repoDir: string;
  owner: string;
  repo: string;
  /** Requests answered so far, in order. */
  requests: StandInRequest[];
  /** Makes the next matching requests fail. */
  inject(fault: StandInFault): void;
  close(): Promise<void>;
}

/**
 * Starts the stand-in on a fresh bare repository (one commit on main) or on `repoDir`; only `token` is
 * accepted in the Authorization header (default "test-token").
 */
export async function startGithubStandIn(
  opts: {
    token?: string;
    owner?: string;
    repo?: string /** Serve this existing bare repository (kept on close). */;
    repoDir?: string;
  } = {},
): Promise<GithubStandIn> {
  const token = opts.token ?? 'test-token';
  const owner = opts.owner ?? 'smart';
  const repo = opts.repo ?? 'status-test';
  const tmp = opts.repoDir ? undefined : await mkdtemp(join(tmpdir(), 'github-stand-in-'));
  const repoDir = opts.repoDir ?? join(tmp ?? '', `${repo}.git`);
  if (!opts.repoDir) await initBareRepository(repoDir);
  const faults: Array<Required<Omit<StandInFault, 'method' | 'path'>> & StandInFault> = [];
  const requests: StandInRequest[] = [];
  const cache = newStandInCache();
  let url = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof ApiError ? e.status : 500;
      send(res, status, { message: e instanceof ApiError ? e.message : 'Server Error' });
    });
  });

  const isOn = (v: string | null) => v !== null && v !== 'false' && v !== '0';

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const path = (res.req.url ?? '').split('?')[0] ?? '';
    requests.push({ method: res.req.method ?? '', path, status });
    const payload =
      status >= 400 && body && typeof body === 'object' && !Array.isArray(body)
        ? { ...body, documentation_url: 'https://docs.github.com/rest', status: String(status) }
        : body;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-github-api-version-selected': '2022-11-28',
      ...headers,
    });
    res.end(JSON.stringify(payload));
  }

  function takeFault(method: string, path: string) {
    const i = faults.findIndex((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)));
    if (i < 0) return undefined;
    const f = faults[i]!;
    f.times -= 1;
    if (f.times <= 0) faults.splice(i, 1);
    return f;
  }

  function answerFault(res: ServerResponse, f: Required<Pick<StandInFault, 'kind' | 'seconds'>>) {
    const reset = String(Math.floor(Date.now() / 1000) + f.seconds);
    const html = (status: number, title: string) => {
      requests.push({ method: res.req.method ?? '', path: (res.req.url ?? '').split('?')[0] ?? '', status });
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
      );
    };
    switch (f.kind) {
      case 'hang':
        requests.push({
          method: res.req.method ?? '',
          path: (res.req.url ?? '').split('?')[0] ?? '',
          status: 0,
        });
        return;
      case 'html':
        return html(200, 'Sign in to the network');
      case 'proxy-error':
        return html(502, '502 Bad Gateway');
      case 'echo-auth': {
        const header = String(res.req.headers.authorization ?? '');
        return send(res, 400, {
          message: `${'x'.repeat(250)} rejected header ${header}; first part ${header.slice(6, 26)}`,
        });
      }
      case 'not-fast-forward':
        return send(res, 422, { message: 'Update is not a fast forward' });
      case 'forbidden':
        return send(res, 403, { message: 'Resource not accessible by integration' });
      case 'server-error':
        return send(res, 500, { message: 'Server Error' });
      case 'rate-limit':
        return send(
          res,
          403,
          { message: `API rate limit exceeded for installation ID 1.` },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        );
      case 'secondary-rate-limit':
        return send(
          res,
          403,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          },
          { 'retry-after': String(f.seconds) },
        );
      case 'too-many-requests':
        return send(
          res,
          429,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          },
          { 'retry-after': String(f.seconds) },
        );
    }
  }

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return {};
    try {
      const v: unknown = JSON.parse(text);
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {}
    throw new ApiError(400, 'Problems parsing JSON');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    const codeload = /^\/_codeload\/[^/]+\/[^/]+\/legacy\.tar\.gz\/([0-9a-f]{40})$/.exec(u.pathname);
    if (codeload && method === 'GET') {
      // codeload.github.com: the archive itself, reached by the API's redirect (GitHub signs the URL instead).
      const sha = codeload[1] ?? '';
      const prefix = `${owner}-${repo}-${sha.slice(0, 7)}/`;
      const tar = await git(repoDir, ['archive', '--format=tar', `--prefix=${prefix}`, sha]);
      requests.push({ method, path: u.pathname, status: 200 });
      res.writeHead(200, { 'content-type': 'application/x-gzip' });
      return res.end(gzipSync(tar));
    }
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return send(res, 401, { message: 'Bad credentials' });
    }
    const fault = takeFault(method, u.pathname);
    if (fault) return answerFault(res, { kind: fault.kind, seconds: fault.seconds });
    const prefix = `/repos/${owner}/${repo}`;
    if (u.pathname !== prefix && !u.pathname.startsWith(`${prefix}/`)) {
      return send(res, 404, { message: 'Not Found' });
    }
    const g = new StandInGit(repoDir, `${url}${prefix}`, cache);
    const rest = decodeURIComponent(u.pathname.slice(prefix.length));
    const body = method === 'POST' || method === 'PATCH' ? await readJson(req) : {};
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const routes: Array<[string, RegExp, (m: RegExpExecArray) => Promise<[number, unknown]>]> = [
      ['GET', /^$/, async () => [200, repositoryJson()]],
      ['GET', /^\/git\/ref\/((?:heads|tags)\/.+)$/, async (m) => [200, await g.getRef(`refs/${m[1]}`)]],
      ['POST', /^\/git\/refs$/, async () => [201, await g.createRef(str('ref'), str('sha'))]],
      [
        'PATCH',
        /^\/git\/refs\/((?:heads|tags)\/.+)$/,
        async (m) => [200, await g.updateRef(`refs/${m[1]}`, str('sha'), body.force === true)],
      ],
      [
        'POST',
        /^\/git\/blobs$/,
        async () => [201, await g.createBlob(str('content'), str('encoding') || 'utf-8')],
      ],
      ['GET', /^\/git\/blobs\/([0-9a-f]{40})$/, async (m) => [200, await g.getBlob(m[1] ?? '')]],
      ['POST', /^\/git\/trees$/, async () => [201, await createTree()]],
      [
        'GET',
        /^\/git\/trees\/([0-9a-f]{40})$/,
        async (m) => [200, await g.getTree(m[1] ?? '', isOn(u.searchParams.get('recursive')))],
      ],
      ['POST', /^\/git\/commits$/, async () => [201, await createCommit()]],
      ['GET', /^\/git\/commits\/([0-9a-f]{40})$/, async (m) => [200, await g.getCommit(m[1] ?? '')]],
      ['GET', /^\/commits$/, async () => [200, await listCommits(u.searchParams)]],
      ['GET', /^\/tarball\/(.+)$/, async (m) => [302, await tarballLocation(m[1] ?? '')]],
    ];
    for (const [verb, re, run] of routes) {
      const m = verb === method ? re.exec(rest) : null;
      if (m) {
        const [status, json] = await run(m);
        if (status === 302) return send(res, 302, '', { location: String(json) });
        return send(res, status, json);
      }
    }

    function repositoryJson() {
      return {
        id: 1,
        name: repo,
        full_name: `${owner}/${repo}`,
        private: true,
        owner: { login: owner, type: 'Organization' },
        default_branch: 'main',
        permissions: { admin: false, push: true, pull: true },
      };
    }
    function createTree() {
      if (!Array.isArray(body.tree)) throw new ApiError(422, 'Invalid request: tree is required');
      const base = typeof body.base_tree === 'string' ? body.base_tree : undefined;
      return g.createTree(body.tree as TreeInput[], base);
    }
    function createCommit() {
      const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
      const author = body.author && typeof body.author === 'object' ? body.author : undefined;
      return g.createCommit({ message: str('message'), tree: str('tree'), parents, author });
    }
    async function tarballLocation(ref: string) {
      const sha = /^[0-9a-f]{40}$/.test(ref) ? ref : await g.resolveRef(`refs/heads/${ref}`);
      if (!sha || (await g.objectType(sha)) !== 'commit') throw new ApiError(404, 'Not Found');
      return `${url}/_codeload/${owner}/${repo}/legacy.tar.gz/${sha}`;
    }
    function listCommits(q: URLSearchParams) {
      return g.listCommits(q.get('sha') ?? 'main', {
        since: q.get('since') ?? undefined,
        until: q.get('until') ?? undefined,
        perPage: Math.min(100, Number(q.get('per_page') ?? 30) || 30),
        page: Math.max(1, Number(q.get('page') ?? 1) || 1),
      });
    }
    return send(res, 404, { message: 'Not Found' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    repoDir,
    owner,
    repo,
    requests,
    inject(fault) {
      faults.push({ ...fault, times: fault.times ?? 1, seconds: fault.seconds ?? 1 });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },
  };
}
