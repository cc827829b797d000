export const id = 901;
export const ids = [901];
export const modules = {

/***/ 1532:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G9: () => (/* binding */ settle),
/* harmony export */   HJ: () => (/* binding */ READ_CONCURRENCY),
/* harmony export */   Qx: () => (/* binding */ WRITE_CONCURRENCY),
/* harmony export */   j3: () => (/* binding */ settleAll)
/* harmony export */ });
/* harmony import */ var p_limit__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(370);

// How many requests go out at once. Reads are cheap for GitHub (its secondary limit is 100
// concurrent requests); content-creating writes are not: a sync writing 16 secrets at once was
// stopped by abuse detection, and GitHub documents 80 such writes a minute. github-client.ts
// enforces the per-minute count; these bound the bursts.
const READ_CONCURRENCY = 10;
const WRITE_CONCURRENCY = 5;
/** Runs fn over items with at most `limit` at once; never rejects, one settled result per item. */
async function settleAll(items, limit, fn) {
    const run = (0,p_limit__WEBPACK_IMPORTED_MODULE_0__/* ["default"] */ .A)(limit);
    return Promise.all(items.map((item) => run(async () => {
        try {
            return { ok: true, value: await fn(item) };
        }
        catch (error) {
            return { ok: false, error };
        }
    })));
}
/** One promise as a Settled result: never rejects. */
function settle(promise) {
    return promise.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
}


/***/ }),

/***/ 6440:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AQ: () => (/* binding */ newExpiry),
/* harmony export */   MN: () => (/* binding */ expiryClock),
/* harmony export */   Qj: () => (/* binding */ minimumLifetimeMs),
/* harmony export */   Rg: () => (/* binding */ plannedExpiryProblem),
/* harmony export */   bN: () => (/* binding */ CLOCK_SKEW_WORTH_NAMING_MS),
/* harmony export */   rD: () => (/* binding */ expiryProblem),
/* harmony export */   sO: () => (/* binding */ DAY_MS)
/* harmony export */ });
// When a key must still be alive for the secrets that hold it, and how a key's expiry is checked
// against that. A secret never receives a key that is dead, or that dies before a next run could
// replace it (docs/contract.md, "What must always hold").
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The soonest a next run can be counted on to replace the key: rotate-after-days when set (a run
 * before then skips), else a day (the most common schedule is daily or weekly).
 */
function minimumLifetimeMs(rotateAfterDays) {
    return (rotateAfterDays ?? 1) * DAY_MS;
}
/** 'expired', 'too-soon' (dies before the next run could replace it), or undefined when fine or unknown. */
function expiryProblem(expiresAt, now, minimumLifetime) {
    if (!expiresAt)
        return undefined;
    const at = Date.parse(expiresAt);
    if (Number.isNaN(at))
        return undefined;
    if (at <= now.getTime())
        return 'expired';
    return at < now.getTime() + minimumLifetime ? 'too-soon' : undefined;
}
/** A disagreement between the clocks past which a failure names it as the cause. */
const CLOCK_SKEW_WORTH_NAMING_MS = 60 * 60 * 1000;
function expiryClock(runner, capgo) {
    const both = () => {
        const own = runner().getTime();
        return [own, capgo()?.getTime() ?? own];
    };
    return {
        issueFrom: () => new Date(Math.min(...both())),
        judgeAt: () => new Date(Math.max(...both())),
        skewMs: () => {
            const [own, theirs] = both();
            return theirs - own;
        },
    };
}
/** expires-in-days as the expires_at to send, or undefined for a key that does not expire. */
function newExpiry(expiresInDays, now) {
    return expiresInDays ? new Date(now.getTime() + expiresInDays * DAY_MS).toISOString() : undefined;
}
/**
 * Before any key is issued: the expiry expires-in-days would send (counted from the earlier clock)
 * already fails at the later one when the clocks disagree by more than the key's lifetime. Issued
 * anyway, the key would be refused on arrival, after a regenerate had already killed the old value.
 */
function plannedExpiryProblem(expiresInDays, rotateAfterDays, clock) {
    const expiresAt = newExpiry(expiresInDays, clock.issueFrom());
    if (!expiresAt)
        return undefined;
    const problem = expiryProblem(expiresAt, clock.judgeAt(), minimumLifetimeMs(rotateAfterDays));
    return problem ? { expiresAt, problem } : undefined;
}


/***/ }),

/***/ 4964:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createGitHubClient: () => (/* binding */ createGitHubClient),
  orchestrationUserAgent: () => (/* binding */ orchestrationUserAgent)
});

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
// EXTERNAL MODULE: ./node_modules/@octokit/core/dist-src/index.js + 12 modules
var dist_src = __webpack_require__(4730);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-paginate-rest/dist-bundle/index.js
var dist_bundle = __webpack_require__(3779);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var plugin_retry_dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
// EXTERNAL MODULE: ./src/github-errors.ts
var github_errors = __webpack_require__(706);
;// CONCATENATED MODULE: ./src/github-rate-limits.ts
// GitHub's rate-limit rules (docs/github-secrets.md, "Limits and retries"), without queues: a
// request goes out at once unless a rule says to wait, so the usual run sets no timer at all.

/** A rate-limit wait longer than this fails the run instead of stalling it. */
const MAX_WAIT_SECONDS = 120;
/** Waits for one request, of every kind together; a further limit fails it. */
const MAX_LIMIT_RETRIES = 2;
/** GitHub's documented secondary limit for content-writing requests. */
const WRITES_PER_MINUTE = 80;
const WINDOW_MS = 60_000;
// GitHub: with no retry-after and no reset to go by, wait at least a minute.
const FALLBACK_WAIT_SECONDS = 60;
/**
 * What a failed attempt asks to wait for, or undefined when it is no rate limit (or a wait it
 * names is unreadable). Every header is the server's text: only a number or an HTTP date counts.
 * - the primary limit, 403/429 with x-ratelimit-remaining 0: until x-ratelimit-reset, plus 1 s
 *   (GitHub resets at that second, not before it), or retry-after if that is later;
 * - a secondary limit, 403/429 saying so or carrying retry-after: retry-after, else 60 s;
 * - a plain 503 with retry-after: that long (plugin-retry's own backoff ignores the header).
 */
function limitWait(error, nowMs) {
    if (!(0,github_errors/* isOctokitFailure */.cZ)(error))
        return undefined;
    const { status, message, response } = error;
    const headers = response?.headers ?? {};
    const header = (name) => headers[name] === undefined || headers[name] === null ? null : String(headers[name]);
    const retryAfter = retryAfterSeconds(header('retry-after'), nowMs);
    if (status === 503)
        return retryAfter === undefined ? undefined : { kind: 'retry-after', seconds: retryAfter };
    if (status !== 403 && status !== 429)
        return undefined;
    if (header('x-ratelimit-remaining')?.trim() === '0') {
        const reset = Number(header('x-ratelimit-reset'));
        const untilReset = Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - nowMs / 1000)) + 1 : undefined;
        const seconds = Math.max(untilReset ?? 0, retryAfter ?? 0);
        return {
            kind: 'rate limit',
            seconds: untilReset === undefined && retryAfter === undefined ? FALLBACK_WAIT_SECONDS : seconds,
        };
    }
    if (/\bsecondary rate\b/i.test(message)) {
        return { kind: 'secondary rate limit', seconds: retryAfter ?? FALLBACK_WAIT_SECONDS };
    }
    // A bare 429 or 403 with retry-after: GitHub's secondary limits answer this way too.
    return retryAfter === undefined ? undefined : { kind: 'retry-after', seconds: retryAfter };
}
// Strict, unlike Date.parse (which reads "-5" as the year 2001): whole seconds, or an IMF-fixdate.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
function retryAfterSeconds(value, nowMs) {
    const text = value?.trim() ?? '';
    if (/^\d{1,12}$/.test(text))
        return Number(text);
    if (!IMF_FIXDATE.test(text))
        return undefined;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}
/** POST, PUT, PATCH and DELETE: what GitHub counts as content-writing. */
function isWrite(method) {
    return /^(POST|PUT|PATCH|DELETE)$/i.test(method);
}
/**
 * A sliding window over the last minute's writes. take() returns at once (no timer, no queue)
 * while fewer than `limit` writes went out in the window; otherwise it sleeps until the oldest
 * leaves it and checks again. Every attempt counts, retries included: each reaches GitHub.
 */
class WriteWindow {
    now;
    sleep;
    limit;
    windowMs;
    // Send times, oldest first; never longer than `limit`.
    sent = [];
    constructor(now, sleep, limit = WRITES_PER_MINUTE, windowMs = WINDOW_MS) {
        this.now = now;
        this.sleep = sleep;
        this.limit = limit;
        this.windowMs = windowMs;
    }
    /** Takes a slot; `onWait` is told before every wait, with its length in milliseconds. */
    async take(onWait) {
        for (;;) {
            const now = this.now();
            while (this.sent.length > 0 && this.sent[0] <= now - this.windowMs)
                this.sent.shift();
            if (this.sent.length < this.limit) {
                this.sent.push(now);
                return;
            }
            const wait = this.sent[0] + this.windowMs - now;
            onWait(wait);
            await this.sleep(wait);
        }
    }
}

// EXTERNAL MODULE: ./src/logger.ts
var logger = __webpack_require__(6999);
// EXTERNAL MODULE: ./src/redirects.ts
var redirects = __webpack_require__(4534);
// EXTERNAL MODULE: ./src/response-size.ts
var response_size = __webpack_require__(9952);
// EXTERNAL MODULE: ./src/retry.ts
var retry = __webpack_require__(9809);
;// CONCATENATED MODULE: ./src/github-client.ts











function createGitHubClient(options) {
    const log = options.log ?? (0,logger/* createLogger */.h)();
    // Octokit and its plugins quote URLs and server text (headers too) in these: through the safe logger.
    const octokitLog = {
        debug: (message) => log.debug(message),
        info: (message) => log.debug(message),
        warn: (message) => log.warning(message),
        error: (message) => log.error(message),
    };
    const limits = { sleep: options.sleep ?? retry/* defaultSleep */.JG, now: options.now ?? Date.now };
    // The bundled undici (Octokit's default would be Node's own fetch, a second HTTP stack), through
    // the runner's proxy when one applies to the API's host.
    const dispatcher = new lib/* HttpClient */.Qq().getAgentDispatcher(options.baseUrl);
    const fetch = dispatcher
        ? (url, init) => (0,undici/* fetch */.hd)(url, { ...init, dispatcher })
        : undici/* fetch */.hd;
    // Registered before retry, so that it wraps each attempt rather than all of them together.
    const Client = dist_src/* Octokit */.E.plugin(dist_bundle/* paginateRest */.ud, attemptPolicy(options.timeoutMs ?? 20_000, log, octokitLog, limits), plugin_retry_dist_bundle/* retry */.L);
    const userAgent = orchestrationUserAgent(process.env.ACTIONS_ORCHESTRATION_ID);
    return new Client({
        auth: `token ${options.token}`,
        baseUrl: options.baseUrl,
        ...(userAgent ? { userAgent } : {}),
        log: octokitLog,
        request: { fetch },
        // 403 and 429 are not retried blindly: attemptPolicy waits where GitHub says how long.
        retry: {
            retries: options.retries ?? 3,
            retryAfterBaseValue: options.retryBaseMs ?? 1000,
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        },
    });
}
/** As @actions/github tags its requests on a runner that names the job's orchestration. */
function orchestrationUserAgent(id) {
    const trimmed = id?.trim();
    return trimmed ? `actions_orchestration_id/${trimmed.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined;
}
const API_VERSION = '2022-11-28';
/**
 * The innermost layer but the token's, under plugin-retry: a timeout on every attempt, the pinned
 * API version, redirects followed within GitHub's origin only (the token goes nowhere else, and a
 * 3xx is never an answer), GitHub's 80 writes a minute, and the waits GitHub asks for on a rate
 * limit or a 503 (plugin-retry's own backoff ignores them), each told to the log.
 */
function attemptPolicy(timeoutMs, log, octokitLog, limits) {
    const writes = new WriteWindow(limits.now, limits.sleep);
    return (octokit) => {
        const attempt = async (request, options) => {
            const what = `${options.method} ${options.url}`;
            (0,redirects/* refuseForeignUrl */.Qd)(options);
            for (let waits = 0;; waits++) {
                if (isWrite(options.method)) {
                    await writes.take((ms) => log.warning(`GitHub allows ${writes.limit} content-writing requests a minute: waiting ${Math.ceil(ms / 1000)} s before ${what}.`));
                }
                try {
                    // Set on this call's own options object rather than passed as a copy: the hooks inside
                    // this one (the token auth) are bound to that object and ignore what is passed to them.
                    // The fetch is the proxy-aware one given to the constructor; wrapped, never replaced.
                    // Answers are read up to a bound (src/response-size.ts). A retry finds its own fetch here.
                    const given = options.request?.fetch ?? undici/* fetch */.hd;
                    const fetch = (0,response_size/* isBounded */.Ct)(given) ? given : (0,response_size/* limitResponseBodies */.Bb)((0,redirects/* guardRedirects */.lv)(given));
                    // request.log: without it, @octokit/request writes its warnings (which quote response
                    // headers) to the console, where the runner reads commands too.
                    options.request = {
                        ...options.request,
                        signal: AbortSignal.timeout(timeoutMs),
                        redirect: 'manual',
                        fetch,
                        log: octokitLog,
                    };
                    // Octokit's constructor ignores custom default headers, so the API version is pinned here.
                    options.headers = { ...options.headers, 'x-github-api-version': API_VERSION };
                    return (0,redirects/* refuseRedirect */.Fg)(options, (await request(options)));
                }
                catch (error) {
                    const wait = limitWait(error, limits.now());
                    if (wait === undefined)
                        throw error;
                    const retrying = waits < MAX_LIMIT_RETRIES && wait.seconds <= MAX_WAIT_SECONDS;
                    log.warning(waitMessage(wait, (0,github_errors/* statusOf */.c2)(error), what, retrying, waits));
                    if (!retrying)
                        throw error;
                    await limits.sleep(wait.seconds * 1000);
                }
            }
        };
        octokit.hook.wrap('request', attempt);
    };
}
function waitMessage(wait, status, what, retrying, waits) {
    const head = wait.kind === 'retry-after' ? `GitHub answered ${String(status)} to ${what}` : `GitHub ${wait.kind} hit on ${what}`;
    if (!retrying)
        return `${head}: not retrying (asked to wait ${wait.seconds} s, retry ${waits + 1}).`;
    return `${head}: waiting ${wait.seconds} s${wait.kind === 'retry-after' ? ' (Retry-After)' : ''} before retrying.`;
}


/***/ }),

/***/ 211:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ localNow),
/* harmony export */   Q: () => (/* binding */ GitHubClock)
/* harmony export */ });
// GitHub's clock as seen from the runner. Secret timestamps (updated_at) are GitHub's; the runner's
// clock may be off by any amount. Each answer's Date header (whole seconds, truncated) was made
// between the request's departure and the answer's arrival, which bounds GitHub's clock minus the
// runner's: offset in (date - arrival, date + 1 s - departure). Local times are monotonic.
const localNow = () => performance.timeOrigin + performance.now();
class GitHubClock {
    low = Number.NEGATIVE_INFINITY;
    high = Number.POSITIVE_INFINITY;
    /** Feeds one answer's Date header, with the local times the request left and the answer came. */
    observe(dateHeader, sentAt, receivedAt) {
        const date = httpDate(dateHeader);
        if (Number.isNaN(date))
            return;
        const low = date - receivedAt;
        const high = date + 1000 - sentAt;
        // Answers that disagree with the bounds so far (a cache's stale Date, say) are ignored.
        if (high < this.low || low > this.high)
            return;
        this.low = Math.max(this.low, low);
        this.high = Math.min(this.high, high);
    }
    /** Where GitHub's clock stood at a local time, or undefined before any Date header was seen. */
    at(local) {
        if (!Number.isFinite(this.low) || !Number.isFinite(this.high))
            return undefined;
        return { earliest: local + this.low, latest: local + this.high };
    }
}
/**
 * An IMF-fixdate ("Sun, 01 Mar 2026 12:00:00 GMT", the form HTTP servers send), else NaN. Date.parse
 * alone takes '1' or 'x 1' as 2001, and a date without a zone as the runner's local time.
 */
function httpDate(value) {
    if (typeof value !== 'string')
        return Number.NaN;
    const date = Date.parse(value);
    return !Number.isNaN(date) && new Date(date).toUTCString() === value ? date : Number.NaN;
}


/***/ }),

/***/ 706:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Pm: () => (/* binding */ explainGitHubError),
/* harmony export */   Q$: () => (/* binding */ dateOf),
/* harmony export */   c2: () => (/* binding */ statusOf),
/* harmony export */   c4: () => (/* binding */ isNotFound),
/* harmony export */   cZ: () => (/* binding */ isOctokitFailure)
/* harmony export */ });
/* harmony import */ var _log_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3529);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7194);
/* harmony import */ var _error_message_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6587);



function isOctokitFailure(error) {
    return error instanceof Error && typeof error.status === 'number';
}
/** The HTTP status of an Octokit failure; undefined for any other error (ours, a refused redirect). */
function statusOf(error) {
    return isOctokitFailure(error) ? error.status : undefined;
}
/** The Date header of a failure's answer: GitHub's clock comes with its errors too. */
function dateOf(error) {
    return isOctokitFailure(error) ? error.response?.headers?.date : undefined;
}
function isNotFound(error) {
    return statusOf(error) === 404;
}
// Long enough for GitHub's messages, short enough that a proxy's page cannot flood the log.
const MAX_QUOTED = 300;
/** Server or library text as a message may quote it. */
function quoted(text, maxLength = MAX_QUOTED) {
    return (0,_log_text_js__WEBPACK_IMPORTED_MODULE_0__/* .safeText */ .Hk)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(String(text)), maxLength)
        .replace(/\s+/g, ' ')
        .trim();
}
// GitHub's own `message` only: Octokit's error message is the raw body when it is not JSON (a
// proxy's page, say), and no raw body is ever quoted (docs/contract.md).
function githubMessage(error) {
    // No answer at all (a lost connection, a timeout): the library's own words.
    if (!error.response)
        return error.message;
    const data = error.response.data;
    if (typeof data === 'object' && data !== null && typeof data.message === 'string') {
        return data.message;
    }
    return '';
}
function explainGitHubError(context, error) {
    if (!isOctokitFailure(error)) {
        // Ours or a library's (a refused redirect, a lost connection): longer, and still made safe.
        return `${context.doing}: ${quoted((0,_error_message_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .g)(error), 1000)}`;
    }
    const message = quoted(githubMessage(error));
    const headers = error.response?.headers ?? {};
    const head = `${context.doing}: ${error.status}${message ? ` ${message}` : ''}`;
    // Rate limits come as 403 or 429; the throttling plugin already waited as long as allowed.
    if (error.status === 403 || error.status === 429) {
        if (String(headers['x-ratelimit-remaining']) === '0') {
            const reset = Number(headers['x-ratelimit-reset']);
            const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
            return `${head}. The token's GitHub API rate limit is used up${when}: run again after that.`;
        }
        if (/secondary rate limit/i.test(message) || error.status === 429) {
            // retry-after is seconds (GitHub's secondary limits); the time is said when it is a sane one.
            const wait = Number(headers['retry-after']);
            const date = Date.parse(String(dateOf(error)));
            const from = Number.isNaN(date) ? Date.now() : date;
            const when = Number.isFinite(wait) && wait > 0 && wait <= 86_400
                ? `after ${new Date(from + wait * 1000).toISOString()} (GitHub asked for ${wait} s)`
                : 'in a few minutes';
            return `${head}. GitHub's secondary rate limit stopped the run after the allowed waits: run again ${when}, or write fewer targets per run.`;
        }
    }
    switch (error.status) {
        // No answer at all (refused, unknown host, TLS, timeout): Octokit reports it as a 500 without a response.
        case 500:
            if (!error.response)
                return unreachable(context, error);
            break;
    }
    // An answer that is not GitHub's JSON: the URL points somewhere else (a web page, a proxy, another API).
    if (!isGitHubAnswer(error))
        return notGitHub(context, error);
    switch (error.status) {
        case 401:
            return `${head}. github-token is invalid, expired or revoked: create a new token and update the secret that holds it.`;
        case 403: {
            if (/Resource not accessible by integration/i.test(message)) {
                return (`${head}. The token is an installation token without the right permission. The workflow's own GITHUB_TOKEN ` +
                    `cannot write secrets at all: pass a fine-grained personal access token, or a GitHub App token whose app has ${context.permission}.`);
            }
            const accepted = headers['x-accepted-github-permissions'];
            const needs = accepted
                ? `GitHub accepts these permissions: ${quoted(accepted, 200)}`
                : `it needs ${context.permission}`;
            return `${head}. The token lacks a permission: ${needs}.`;
        }
        case 404:
            return (`${head}. The ${context.subject} does not exist, or the token cannot see it: a fine-grained token must include ` +
                `it under "Repository access" (or be owned by the organization), and a GitHub App must be installed there.`);
        case 422:
            return `${head}. GitHub rejected the request as invalid (the reason is quoted above).`;
        default:
            return error.status >= 500 ? `${head}. GitHub kept failing after retries; run again later.` : head;
    }
}
/** GitHub's REST API answers every error with a JSON object holding a `message`. */
function isGitHubAnswer(error) {
    const data = error.response?.data;
    return typeof data === 'object' && data !== null && typeof data.message === 'string';
}
/** Where the request went: the scheme, host and port only (never a query or a credential). */
function originOf(error) {
    const url = error.request?.url;
    try {
        return typeof url === 'string' ? new URL(url).origin : 'the GitHub API';
    }
    catch {
        return 'the GitHub API';
    }
}
const API_URL_HINT = 'github-api-url must be https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server (on a GHES runner, leave it empty: it defaults to GITHUB_API_URL)';
function unreachable(context, error) {
    const cause = error.message.replace(/\s+/g, ' ').trim().slice(0, 200);
    return (`${context.doing}: no answer from ${originOf(error)} (${cause}), even after retries. ` +
        `Check github-api-url (${API_URL_HINT}) and that the runner can reach that host (network, proxy settings); ` +
        'if both are right, GitHub may be unavailable: run again later.');
}
function notGitHub(context, error) {
    const headers = error.response?.headers ?? {};
    const type = String(headers['content-type'] ?? '')
        .split(';')[0]
        .trim();
    // The body is not quoted: it is a page or an error of something else, possibly long.
    const what = type === '' ? 'an answer without a content type' : `a ${type.slice(0, 60)} answer`;
    const head = `${context.doing}: ${originOf(error)} answered ${error.status} with ${what}, not GitHub's API JSON.`;
    // GitHub itself sometimes fails with an HTML page; a wrong URL answers that way every time.
    if (error.status >= 500)
        return `${head} GitHub kept failing after retries; run again later. If it keeps happening, check github-api-url: ${API_URL_HINT}.`;
    return `${head} Check github-api-url: ${API_URL_HINT}.`;
}


/***/ }),

/***/ 6673:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QM: () => (/* binding */ WriteError),
/* harmony export */   Yz: () => (/* binding */ WRITE_CHECK_PREFIX),
/* harmony export */   ZH: () => (/* binding */ GitHubSecretStore)
/* harmony export */ });
/* unused harmony export writeCheckSecretName */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _github_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(211);
/* harmony import */ var _github_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(706);
/* harmony import */ var _sealing_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9552);
/* harmony import */ var _settings_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5540);
/* harmony import */ var _targets_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8993);
/* harmony import */ var _write_verification_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5314);







/**
 * The throwaway secret of checkWriteAccess: the reserved prefix (settings refuse it as secret-name)
 * and 128 random bits, so it can be no target's secret nor any secret a user already has.
 */
const WRITE_CHECK_PREFIX = `${_settings_js__WEBPACK_IMPORTED_MODULE_2__/* .RESERVED_PREFIX */ .Uy}WRITE_CHECK_`;
function writeCheckSecretName() {
    return `${WRITE_CHECK_PREFIX}${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex').toUpperCase()}`;
}
/**
 * A failed write. `outcomeUnknown`: the request may have been carried out (a timeout, a reset, a
 * 5xx: GitHub may have stored the secret and lost the answer); otherwise GitHub refused it (4xx)
 * or it was never sent.
 */
class WriteError extends Error {
    outcomeUnknown;
    startedAt;
    constructor(message, outcomeUnknown, 
    /** Local time (github-clock.ts) just before the request left. */
    startedAt) {
        super(message);
        this.outcomeUnknown = outcomeUnknown;
        this.startedAt = startedAt;
        this.name = 'WriteError';
    }
}
/** Anything but GitHub's refusal (4xx) may have been applied: Octokit reports no answer as 500. */
function outcomeUnknown(error) {
    const status = (0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .statusOf */ .c2)(error);
    return !(status !== undefined && status >= 400 && status < 500);
}
class GitHubSecretStore {
    octokit;
    /** One per run: every target's write check uses it. */
    writeCheckSecret = writeCheckSecretName();
    /** Fed by every answer's Date header, to compare GitHub's timestamps with the runner's times. */
    clock = new _github_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .GitHubClock */ .Q();
    constructor(octokit) {
        this.octokit = octokit;
    }
    async prepare(ref, options) {
        const { route, params } = (0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .collection */ .rJ)(ref);
        const context = {
            doing: `reading the public key of ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)}`,
            subject: (0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .notFoundSubject */ .s6)(ref),
            permission: (0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .permissionFor */ .Tj)(ref),
        };
        const reading = { ...context, doing: `reading the secret ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)}` };
        // All reads of a target at once: the public key, and the secret's metadata when needed.
        const metadataRead = ref.kind === 'organization' || options.readExisting
            ? this.readMetadata(route, params, ref.secret, reading)
            : Promise.resolve(undefined);
        const [publicKey, metadata] = await Promise.all([
            this.call(context, () => this.timed(() => this.octokit.request(`GET ${route}/public-key`, params))).then((response) => response.data),
            metadataRead,
        ]);
        const orgAccess = ref.kind === 'organization' ? await this.orgAccess(ref, route, params, metadata ?? null, context) : undefined;
        const existing = metadata === undefined ? undefined : existingOf(metadata);
        if (!isPublicKey(publicKey))
            throw new Error(`${context.doing}: GitHub's answer has no key and key_id.`);
        const { key, key_id } = publicKey;
        const writeContext = { ...context, doing: `writing ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)}` };
        return {
            ref,
            orgAccess,
            existing,
            write: async (value) => {
                let encrypted_value;
                try {
                    encrypted_value = await (0,_sealing_js__WEBPACK_IMPORTED_MODULE_6__/* .seal */ .o)(value, key);
                }
                catch (error) {
                    throw new WriteError((0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .explainGitHubError */ .Pm)(writeContext, error), false, (0,_github_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .localNow */ .A)());
                }
                const access = orgAccess
                    ? {
                        visibility: orgAccess.visibility,
                        ...(orgAccess.visibility === 'selected'
                            ? { selected_repository_ids: orgAccess.selectedRepositoryIds }
                            : {}),
                    }
                    : {};
                const startedAt = (0,_github_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .localNow */ .A)();
                try {
                    const response = await this.timed(() => this.octokit.request(`PUT ${route}/{secret_name}`, {
                        ...params,
                        secret_name: ref.secret,
                        encrypted_value,
                        key_id,
                        ...access,
                    }));
                    return response.status === 201 ? 'created' : 'updated';
                }
                catch (error) {
                    throw new WriteError((0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .explainGitHubError */ .Pm)(writeContext, error), outcomeUnknown(error), startedAt);
                }
            },
            reread: async () => existingOf(await this.readMetadata(route, params, ref.secret, reading)),
            verifyWrite: async (startedAt, before = existing) => {
                const metadata = await this.readMetadata(route, params, ref.secret, {
                    ...context,
                    doing: `verifying the write of ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)}`,
                });
                return (0,_write_verification_js__WEBPACK_IMPORTED_MODULE_3__/* .judgeWrite */ .RL)(metadata, this.clock.at(startedAt), before);
            },
            checkWriteAccess: async () => {
                const name = this.writeCheckSecret;
                const checking = {
                    ...context,
                    doing: `checking write access to ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)} (with a throwaway secret ${name})`,
                };
                const encrypted_value = await (0,_sealing_js__WEBPACK_IMPORTED_MODULE_6__/* .seal */ .o)((0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(16).toString('hex'), key);
                const probe = { ...params, secret_name: name };
                await this.call(checking, () => this.octokit.request(`PUT ${route}/{secret_name}`, {
                    ...probe,
                    encrypted_value,
                    key_id,
                    ...(ref.kind === 'organization' ? { visibility: 'private' } : {}),
                }));
                return async () => {
                    await this.call({ ...checking, doing: `removing the throwaway secret ${name} of ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)}` }, () => this.octokit.request(`DELETE ${route}/{secret_name}`, probe));
                };
            },
        };
    }
    /**
     * GitHub resets an org secret's visibility on every write unless it is sent back, so keep what
     * is there now (read by readMetadata); names in org-selected-repositories become ids.
     */
    async orgAccess(ref, route, params, existing, context) {
        const isNew = existing === null;
        if (ref.visibility === 'selected') {
            const ids = await Promise.all(ref.selectedRepositories.map((name) => this.repositoryId(ref, name)));
            return { visibility: 'selected', selectedRepositoryIds: ids, isNew };
        }
        if (ref.visibility !== undefined)
            return { visibility: ref.visibility, selectedRepositoryIds: [], isNew };
        const visibility = existing?.visibility ?? 'private';
        if (visibility !== 'selected')
            return { visibility, selectedRepositoryIds: [], isNew };
        const reading = { ...context, doing: `reading the selected repositories of ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_5__/* .describeTarget */ .ff)(ref)}` };
        const repositories = await this.call(reading, () => this.octokit.paginate(`GET ${route}/{secret_name}/repositories`, {
            ...params,
            secret_name: ref.secret,
            per_page: 100,
        }));
        // Sending back a wrong list would silently change who can read the secret: accept only ids.
        const ids = repositories.map((r) => typeof r === 'object' && r !== null ? r.id : undefined);
        if (!ids.every((id) => typeof id === 'number')) {
            throw new Error(`${reading.doing}: GitHub's answer is not a list of repositories; not writing, to keep the visibility intact`);
        }
        return { visibility: 'selected', selectedRepositoryIds: ids, isNew };
    }
    /** The secret's metadata (never its value), or null when it does not exist yet. */
    async readMetadata(route, params, secret, context) {
        try {
            const response = await this.timed(() => this.octokit.request(`GET ${route}/{secret_name}`, { ...params, secret_name: secret }));
            const data = response.data;
            const visibility = data.visibility === 'all' || data.visibility === 'private' || data.visibility === 'selected'
                ? data.visibility
                : undefined;
            // A garbled answer must not pass for "private": that would change who can read an org secret.
            if (typeof data !== 'object' ||
                data === null ||
                typeof data.name !== 'string' ||
                (route.startsWith('/orgs/') && !visibility)) {
                throw new Error(`${context.doing}: GitHub's answer is not the secret's metadata; not writing, to keep its settings intact`);
            }
            return {
                createdAt: typeof data.created_at === 'string' ? data.created_at : undefined,
                updatedAt: typeof data.updated_at === 'string' ? data.updated_at : undefined,
                visibility,
            };
        }
        catch (error) {
            if (error instanceof Error && !(0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .isOctokitFailure */ .cZ)(error))
                throw error;
            // The collection itself is proven by the public-key read; a 404 here is a secret not yet written.
            if ((0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .isNotFound */ .c4)(error))
                return null;
            throw new Error((0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .explainGitHubError */ .Pm)(context, error));
        }
    }
    async repositoryId(ref, name) {
        const context = {
            doing: `looking up repository ${ref.owner}/${name} for org-selected-repositories`,
            subject: `repository ${ref.owner}/${name}`,
            permission: 'the repository permission "Metadata: Read" on it',
        };
        const response = await this.call(context, () => this.octokit.request('GET /repos/{owner}/{repo}', { owner: ref.owner, repo: name }));
        return response.data.id;
    }
    /** Runs a request, feeding the clock with the Date header of its answer (a failure's too). */
    async timed(request) {
        const sentAt = (0,_github_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .localNow */ .A)();
        try {
            const response = await request();
            this.clock.observe(response.headers.date, sentAt, (0,_github_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .localNow */ .A)());
            return response;
        }
        catch (error) {
            this.clock.observe((0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .dateOf */ .Q$)(error), sentAt, (0,_github_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .localNow */ .A)());
            throw error;
        }
    }
    async call(context, request) {
        try {
            return await request();
        }
        catch (error) {
            throw new Error((0,_github_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .explainGitHubError */ .Pm)(context, error));
        }
    }
}
function existingOf(metadata) {
    return metadata && { updatedAt: metadata.updatedAt };
}
function isPublicKey(value) {
    if (typeof value !== 'object' || value === null)
        return false;
    const { key, key_id } = value;
    return typeof key === 'string' && (typeof key_id === 'string' || typeof key_id === 'number');
}


/***/ }),

/***/ 980:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  wireRotation: () => (/* binding */ wireRotation)
});

// EXTERNAL MODULE: ./src/github-secret-store.ts
var github_secret_store = __webpack_require__(6673);
// EXTERNAL MODULE: ./src/github-errors.ts
var github_errors = __webpack_require__(706);
;// CONCATENATED MODULE: ./src/key-id-variable.ts

const PERMISSION = 'the repository permission "Variables: Read and write" (classic PAT: repo)';
class GitHubKeyIdVariable {
    octokit;
    repository;
    name;
    constructor(octokit, repository, name) {
        this.octokit = octokit;
        this.repository = repository;
        this.name = name;
    }
    context(doing) {
        const { owner, repo } = this.repository;
        return {
            doing: `${doing} variable ${this.name} of ${owner}/${repo}`,
            subject: `repository ${owner}/${repo}`,
            permission: PERMISSION,
        };
    }
    async read() {
        try {
            const response = await this.octokit.request('GET /repos/{owner}/{repo}/actions/variables/{name}', {
                ...this.repository,
                name: this.name,
            });
            return String(response.data.value ?? '');
        }
        catch (error) {
            if ((0,github_errors/* isNotFound */.c4)(error))
                return undefined;
            throw new Error((0,github_errors/* explainGitHubError */.Pm)(this.context('reading'), error));
        }
    }
    async write(value, existed) {
        const { owner, repo } = this.repository;
        const update = () => this.octokit.request('PATCH /repos/{owner}/{repo}/actions/variables/{name}', {
            owner,
            repo,
            name: this.name,
            value,
        });
        // POST is not idempotent: a 409 means "exists", so it must not be retried but PATCHed. 201 is
        // GitHub's answer to a variable it created; any other "success" (a garbled answer, which may
        // hide a 409) proves nothing, so the value is then set with PATCH, which is idempotent.
        const create = async () => {
            const answer = await this.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
                owner,
                repo,
                name: this.name,
                value,
                request: { retries: 0 },
            });
            if (answer.status !== 201)
                await update();
        };
        try {
            if (existed) {
                try {
                    await update();
                    return 'updated';
                }
                catch (error) {
                    if (!(0,github_errors/* isNotFound */.c4)(error))
                        throw error;
                    await create();
                    return 'created';
                }
            }
            try {
                await create();
                return 'created';
            }
            catch (error) {
                if ((0,github_errors/* statusOf */.c2)(error) !== 409)
                    throw error;
                await update();
                return 'updated';
            }
        }
        catch (error) {
            throw new Error((0,github_errors/* explainGitHubError */.Pm)(this.context('writing'), error));
        }
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/github-clock.ts
var github_clock = __webpack_require__(211);
// EXTERNAL MODULE: ./src/settings.ts + 8 modules
var settings = __webpack_require__(5540);
// EXTERNAL MODULE: ./src/error-message.ts
var error_message = __webpack_require__(6587);
;// CONCATENATED MODULE: ./src/lease.ts





// The lease: one run of a rotation at a time, even without a `concurrency` group (a schedule and a
// manual run, two workflows). It is a repository Actions variable in the workflow's repository,
// named after the key-name; creating a variable is atomic (POST answers 201, or 409 when the name
// is taken), so exactly one run holds it. A lease left by a run that died is stale after TTL and
// may be taken over; staleness is judged by GitHub's own clock (the variable's updated_at against
// the Date header of the answer), never the runner's. Values are plaintext: ids and times only.
/** Longer than any run can take (see README, time bounds), so a live run's lease never goes stale. */
const LEASE_TTL_SECONDS = 3600;
/** How long a cancelled run waits for its own take to answer before looking for the lease itself (within CANCEL_BUDGET_MS). */
const ABANDON_WAIT_MS = 1000;
class LeaseBusyError extends Error {
    constructor(message) {
        super(message);
        this.name = 'LeaseBusyError';
    }
}
/** A valid GitHub variable name, the same for every run of a rotation, different across rotations. */
function leaseName(keyName) {
    return `${settings/* RESERVED_PREFIX */.Uy}LEASE_${(0,external_node_crypto_.createHash)('sha256').update(keyName).digest('hex').slice(0, 20).toUpperCase()}`;
}
const CANCELLED = 'The run was cancelled while taking the lease. Nothing was changed.';
const lease_PERMISSION = 'the repository permission "Variables: Read and write" (classic PAT: repo)';
class GitHubLease {
    octokit;
    repository;
    run;
    warn;
    name;
    holder;
    state = 'free';
    taking;
    acquiredAt = 0;
    releasing;
    abandoned = false;
    constructor(octokit, repository, keyName, 
    /** The run, for people reading the variable: "<run id>/<attempt>". */
    run, warn) {
        this.octokit = octokit;
        this.repository = repository;
        this.run = run;
        this.warn = warn;
        this.name = leaseName(keyName);
        this.holder = (0,external_node_crypto_.randomBytes)(12).toString('hex');
    }
    get held() {
        return this.state === 'held';
    }
    context(doing) {
        const { owner, repo } = this.repository;
        return {
            doing: `${doing} the lease (variable ${this.name} of ${owner}/${repo}, which keeps overlapping runs of this rotation apart)`,
            subject: `repository ${owner}/${repo}`,
            permission: lease_PERMISSION,
        };
    }
    acquire() {
        if (this.abandoned)
            return Promise.reject(new Error(CANCELLED));
        this.taking = this.take().then(() => {
            // Abandoned while taking: the run is being cancelled and must not go on as if it held the lease.
            if (this.abandoned)
                throw new Error(CANCELLED);
        });
        return this.taking;
    }
    /**
     * For a cancelled run (cancellation.ts): gives the lease back, also when taking it is still in
     * flight, since its POST may have landed.
     */
    async abandon() {
        // A take started after this (the run goes on until the process exits) ends in an error.
        this.abandoned = true;
        const taking = this.taking;
        if (!taking)
            return;
        // A take whose answer is slow would use up the cancel budget (the request timeout is longer):
        // wait briefly, then look for the lease ourselves.
        let timer;
        const settled = await Promise.race([
            taking.then(() => true, () => true),
            new Promise((resolve) => {
                timer = setTimeout(() => resolve(false), ABANDON_WAIT_MS);
            }),
        ]);
        clearTimeout(timer);
        if (settled || this.state !== 'free')
            return this.release();
        // Still taking: its POST may have landed. Delete the lease only if it holds this run's holder.
        try {
            const current = await this.read();
            if (current?.value?.holder === this.holder)
                await this.remove();
        }
        catch (error) {
            this.warn(`${(0,error_message/* errorMessage */.g)(error)}; it expires by itself ${LEASE_TTL_SECONDS / 60} minutes after it was taken.`);
        }
    }
    async take() {
        const value = JSON.stringify({
            holder: this.holder,
            run: this.run,
            ttl: LEASE_TTL_SECONDS,
            taken_at: new Date().toISOString(),
        });
        const { owner, repo } = this.repository;
        let notFound;
        for (let attempt = 1; attempt <= 3; attempt++) {
            try {
                // Not retried by plugin-retry: a retried POST whose first answer was lost meets its own 409.
                const answer = await this.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
                    owner,
                    repo,
                    name: this.name,
                    value,
                    request: { retries: 0 },
                });
                // 201 is GitHub's answer to a variable it created. Any other "success" (a garbled or
                // rewritten answer) proves nothing, as a lost one: see who holds it, below.
                if (answer.status === 201)
                    return this.took();
            }
            catch (error) {
                const status = (0,github_errors/* statusOf */.c2)(error);
                // A 404 is what a token gets for a repository it cannot see at all. If it can list this
                // repository's variables, the 404 was something else (a passing fault): no reason to run
                // unguarded, as another run of this rotation, with the same token, would not be.
                if (lacksVariableAccess(error) && !(await this.variablesVisible())) {
                    // The token cannot see the workflow's repository: run without the lease rather than not at
                    // all, with a warning; the other guards still hold (README, security notes).
                    this.warn(`${(0,github_errors/* explainGitHubError */.Pm)(this.context('taking'), error)} This run goes on without the lease, so an overlapping run of the ` +
                        'same rotation is not kept out: give the token access to this repository with Variables: Read and write, or use a concurrency group.');
                    this.state = 'unguarded';
                    return;
                }
                if (status === 404)
                    notFound = error;
                if (status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 404) {
                    throw new Error(`${(0,github_errors/* explainGitHubError */.Pm)(this.context('taking'), error)} Nothing was changed.`);
                }
            }
            // 409, an unknown outcome (5xx, timeout, reset) or an answer that is not a 201: see who holds it now.
            const current = await this.read();
            if (current === undefined)
                continue;
            if (current.value?.holder === this.holder)
                return this.took();
            if (current.stale) {
                await this.remove().catch(() => undefined);
                continue;
            }
            const by = current.value?.run ? `run ${current.value.run}` : 'another run';
            throw new LeaseBusyError(`Another run of this rotation (${by}) is under way: it holds the lease ${this.name} in ${owner}/${repo} ` +
                `since ${current.updatedAt ?? 'an unknown time'}. Nothing was changed; run again once it is done. ` +
                `A lease left by a run that died expires ${LEASE_TTL_SECONDS / 60} minutes after it was taken (or delete the variable).`);
        }
        if (notFound !== undefined)
            throw new Error(`${(0,github_errors/* explainGitHubError */.Pm)(this.context('taking'), notFound)} GitHub kept answering 404 although the token can list this repository's variables. Nothing was changed; run again.`);
        throw new Error(`Taking the lease ${this.name} failed three times (another run took and released it meanwhile?). Nothing was changed; run again.`);
    }
    /**
     * Whether the token can list the workflow repository's variables: false only on a 404 (it cannot
     * see the repository); any other failure counts as visible, so the run is never unguarded by it.
     */
    async variablesVisible() {
        try {
            await this.octokit.request('GET /repos/{owner}/{repo}/actions/variables', { ...this.repository, per_page: 1 });
            return true;
        }
        catch (error) {
            return !(0,github_errors/* isNotFound */.c4)(error);
        }
    }
    took() {
        this.state = 'held';
        this.acquiredAt = (0,github_clock/* localNow */.A)();
    }
    release() {
        if (this.state !== 'held')
            return this.releasing ?? Promise.resolve();
        this.state = 'released';
        this.releasing = this.releaseNow().catch((error) => {
            this.warn(`${(0,error_message/* errorMessage */.g)(error)}; it expires by itself ${LEASE_TTL_SECONDS / 60} minutes after it was taken.`);
        });
        return this.releasing;
    }
    async releaseNow() {
        // Past half its life the lease may have been taken over: delete it only if it is still ours.
        if ((0,github_clock/* localNow */.A)() - this.acquiredAt > (LEASE_TTL_SECONDS * 1000) / 2) {
            const current = await this.read();
            if (current?.value?.holder !== this.holder)
                return;
        }
        await this.remove();
    }
    async remove() {
        try {
            await this.octokit.request('DELETE /repos/{owner}/{repo}/actions/variables/{name}', {
                ...this.repository,
                name: this.name,
            });
        }
        catch (error) {
            if ((0,github_errors/* isNotFound */.c4)(error))
                return;
            throw new Error((0,github_errors/* explainGitHubError */.Pm)(this.context('releasing'), error));
        }
    }
    /** The lease as it stands, or undefined when nobody holds it. */
    async read() {
        let response;
        try {
            response = await this.octokit.request('GET /repos/{owner}/{repo}/actions/variables/{name}', {
                ...this.repository,
                name: this.name,
            });
        }
        catch (error) {
            if ((0,github_errors/* isNotFound */.c4)(error))
                return undefined;
            throw new Error(`${(0,github_errors/* explainGitHubError */.Pm)(this.context('reading'), error)} Nothing was changed.`);
        }
        const data = (typeof response.data === 'object' && response.data !== null ? response.data : {});
        const value = parseValue(data.value);
        const updatedAt = typeof data.updated_at === 'string' ? data.updated_at : undefined;
        // GitHub's clock on both sides; a lease whose age cannot be told is not taken over.
        const updated = updatedAt ? Date.parse(updatedAt) : Number.NaN;
        const now = typeof response.headers.date === 'string' ? Date.parse(response.headers.date) : Number.NaN;
        const ttl = value?.ttl ?? LEASE_TTL_SECONDS;
        const stale = !Number.isNaN(updated) && !Number.isNaN(now) && now - updated > ttl * 1000;
        return { value, updatedAt, stale };
    }
}
/** The lease's value is data from a server: parsed strictly, and never trusted beyond its fields. */
function parseValue(raw) {
    if (typeof raw !== 'string')
        return undefined;
    try {
        const parsed = JSON.parse(raw);
        if (typeof parsed.holder !== 'string')
            return undefined;
        const run = typeof parsed.run === 'string' && /^[\w./-]{1,80}$/.test(parsed.run) ? parsed.run : undefined;
        const ttl = typeof parsed.ttl === 'number' && Number.isSafeInteger(parsed.ttl) && parsed.ttl > 0 && parsed.ttl <= 86_400
            ? parsed.ttl
            : LEASE_TTL_SECONDS;
        return { holder: parsed.holder, run, ttl };
    }
    catch {
        return undefined;
    }
}
/** 403 (not a rate limit) or 404 on the variable: the token may not write variables in the repository. */
function lacksVariableAccess(error) {
    // 404: the token cannot see the workflow's repository at all (it may cover only the targets).
    // A 403 (no Variables permission) is not waived: that token can be given the permission, and the
    // lease is what keeps the contract's promise about overlapping runs.
    return (0,github_errors/* isNotFound */.c4)(error);
}

// EXTERNAL MODULE: ./src/capgo-client.ts
var capgo_client = __webpack_require__(8041);
// EXTERNAL MODULE: ./src/expiry.ts
var expiry = __webpack_require__(6440);
// EXTERNAL MODULE: ./src/previous-keys.ts
var previous_keys = __webpack_require__(8571);
// EXTERNAL MODULE: ./src/write-verification.ts
var write_verification = __webpack_require__(5314);
// EXTERNAL MODULE: ./src/cancellation.ts
var cancellation = __webpack_require__(4632);
// EXTERNAL MODULE: ./src/sweep.ts
var src_sweep = __webpack_require__(9159);
;// CONCATENATED MODULE: ./src/managing-key.ts








/** managing-key-secret in words, for the log and the summary. */
function managingSecretWhere(ref) {
    return ref.kind === 'repository'
        ? `repository secret ${ref.secret} of ${ref.owner}/${ref.repo}`
        : `environment secret ${ref.secret} of ${ref.owner}/${ref.repo} environment '${ref.environment}'`;
}
/** The default name of the current-Capgo pair, derived like key-name's default. */
function managingKeyName(settings) {
    const repo = settings.workflowRepository;
    const env = settings.managingKeyEnvironment !== undefined ? `${settings.managingKeyEnvironment}:` : '';
    return `github-actions:${repo?.owner}/${repo?.repo}:${env}${(settings.managingKeySecret ?? '').toUpperCase()}`;
}
function cancelled(phase) {
    return phase.at === 'cancelled';
}
class ManagingKeyRenewal {
    deps;
    outcome;
    plannedStep;
    /** managing-key-secret, prepared in preflight: its public key and its metadata. */
    target;
    /** Local time the renewal's preflight began: a lost create's sweep judges the secret against it. */
    preflightStartedAt = (0,github_clock/* localNow */.A)();
    where;
    clock;
    constructor(deps) {
        this.deps = deps;
        // Expiry meets two clocks, the runner's and Capgo's (expiry.ts).
        this.clock = (0,expiry/* expiryClock */.MN)(deps.now ?? (() => new Date()), () => deps.capgo.now?.());
        this.where = managingSecretWhere(deps.secret);
        this.outcome = {
            status: 'not-run',
            where: this.where,
            generation: undefined,
            storedKeyId: undefined,
            retiredKeyId: undefined,
        };
    }
    async preflight() {
        this.preflightStartedAt = (0,github_clock/* localNow */.A)();
        this.target = await this.deps.store.prepare(this.deps.secret, { readExisting: true });
    }
    check(listing) {
        const { settings } = this.deps;
        const self = listing.keys.find((k) => k.isManagingKey);
        if (self) {
            this.plannedStep = { generation: 'classic', self, known: new Set(listing.keys.map((k) => k.id)) };
            this.outcome.generation = 'classic';
            return [];
        }
        if (listing.generation !== 'current') {
            // Regenerating in turn is only safe where a key cannot regenerate itself: on a Capgo that
            // does not say which key is the caller, the run could kill the very key the secret holds.
            return [
                `managing-key-secret: Capgo's key list neither shows which key is capgo-api-key (classic Capgo does) nor looks like ` +
                    'current Capgo, so the managing key cannot be renewed safely here: remove managing-key-secret, or check capgo-api-url.',
            ];
        }
        this.outcome.generation = 'current';
        const name = managingKeyName(settings);
        const problems = [];
        if (settings.keyName === name)
            problems.push(`key-name '${name}' is the name of the managing keys (managing-key-secret): give the rotated key a name of its own.`);
        const pair = listing.keys.filter((k) => k.name === name);
        if (settings.previousKeyId !== undefined && pair.some((k) => k.id === settings.previousKeyId)) {
            problems.push(`previous-key-id ${settings.previousKeyId} is one of the managing keys named '${name}': give the id of the key the secret holds.`);
        }
        if (pair.length !== 2) {
            problems.push(pairProblem(name, pair, this.where));
            return problems;
        }
        if (settings.expiresInDays === undefined) {
            for (const key of pair) {
                if ((0,expiry/* expiryProblem */.rD)(key.expiresAt, this.clock.judgeAt(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays))) {
                    problems.push(`managing key ${key.id} expires at ${key.expiresAt}, before a next run could renew it again, and a regenerate keeps its ` +
                        'expiry: set expires-in-days (1 to 365) to give the renewed managing key a new expiry.');
                }
            }
        }
        this.plannedStep = { generation: 'current', name, pair: [pair[0], pair[1]] };
        return problems;
    }
    plan() {
        const step = this.plannedStep;
        if (!step)
            return [];
        this.outcome.status = 'planned';
        const expiry = this.deps.settings.expiresInDays
            ? `expires ${this.deps.settings.expiresInDays} days after the run`
            : 'no expiry';
        if (step.generation === 'classic') {
            return [
                `then renew the managing key ${step.self.id}: create a key of the same name and scope (mode all, ${expiry}), prove it works, ` +
                    `store it in ${this.where}, and delete key ${step.self.id} last`,
            ];
        }
        return [
            `then renew the managing key: regenerate whichever of keys ${step.pair.map((k) => k.id).join(' and ')} ('${step.name}') ` +
                `capgo-api-key is not (${expiry}) and store it in ${this.where}; capgo-api-key stays valid until the next run`,
        ];
    }
    async run() {
        const step = this.plannedStep;
        if (!step)
            return undefined;
        this.deps.log.info(`Renewing the managing key (managing-key-secret: ${this.where}).`);
        const failure = step.generation === 'classic' ? await this.renewClassic(step) : await this.renewCurrent(step);
        this.outcome.status = failure ? 'failed' : 'renewed';
        if (!failure)
            this.deps.log.info(`Managing key renewed: ${this.where} now holds Capgo key ${this.outcome.storedKeyId}.`);
        return failure && `Every target holds the new key, but renewing the managing key failed: ${failure}`;
    }
    async renewClassic(step) {
        // A cancelled run (cancellation.ts) exits within seconds: the new mode-all key must not be left
        // alive unheld (no later run retires it), nor the old one unnamed once the secret may hold the new.
        const phase = { at: 'creating', fresh: undefined };
        const stop = (0,cancellation/* onCancel */.Ao)(() => this.cancelClassic(step, phase));
        try {
            return await this.renewClassicSteps(step, phase);
        }
        finally {
            stop();
        }
    }
    async cancelClassic(step, phase) {
        const { self } = step;
        const at = phase.at;
        phase.at = 'cancelled';
        if (at === 'creating') {
            this.deps.log.warning(`Cancelled while renewing the managing key: ${await this.sweep(step)}`);
        }
        else if (at === 'writing') {
            this.deps.log.warning(`Cancelled while writing ${this.where}: it holds either the new managing key ${phase.fresh} or the old one (key ${self.id}), ` +
                `and both are alive. Once a run has succeeded with it, delete whichever of keys ${phase.fresh} and ${self.id} it does not hold (${previous_keys/* CAPGO_KEYS_PAGE */.IT}).`);
        }
        else if (at === 'stored') {
            this.deps.log.warning(`Cancelled before the old managing key was deleted: ${this.where} holds the new managing key ${phase.fresh}; delete key ${self.id} in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}) if it is still listed.`);
        }
    }
    async renewClassicSteps(step, phase) {
        const { capgo, settings, log } = this.deps;
        const { self } = step;
        const kept = `capgo-api-key (key ${self.id}) still works and ${this.where} is unchanged; the next run tries again.`;
        const expiresAt = (0,expiry/* newExpiry */.AQ)(settings.expiresInDays, this.clock.issueFrom());
        // The secret just before the write is read while Capgo creates the key: no extra round trip.
        const [before, created] = await Promise.all([
            this.rereadQuietly(),
            capgo
                .createKey({
                name: self.name,
                mode: 'all',
                limitedToApps: self.limitedToApps ?? [],
                limitedToOrgs: self.limitedToOrgs ?? [],
                expiresAt,
            })
                .then((key) => ({ ok: true, key }), (error) => ({ ok: false, error })),
        ]);
        if (!created.ok) {
            const cause = (0,error_message/* errorMessage */.g)(created.error);
            // Never retried: a create whose answer was lost may have made a key. Sweep it up instead.
            if (created.error instanceof capgo_client/* CapgoError */.tk && created.error.outcomeUnknown)
                return `${cause} ${await this.sweep(step)} ${kept}`;
            return `${cause} ${kept}`;
        }
        const fresh = created.key;
        log.info(`Created Capgo key ${fresh.id} to succeed managing key ${self.id}.`);
        const undo = async (why) => `${why} ${await this.deleteQuietly(capgo, fresh.id)} ${kept}`;
        const dead = (0,expiry/* expiryProblem */.rD)(fresh.expiresAt, this.clock.judgeAt(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
        if (dead)
            return undo(`Capgo answered with managing key ${fresh.id}, which ${dead === 'expired' ? 'is already expired' : 'expires before the next run'} (expires_at ${fresh.expiresAt}); it was not stored.`);
        // The proof, before anything depends on the new key: Capgo answers a list made with it.
        const successor = this.deps.clientFor(fresh.key);
        try {
            await successor.listKeys();
        }
        catch (error) {
            return undo(`The new managing key ${fresh.id} does not work (${(0,error_message/* errorMessage */.g)(error)}), so it was not stored.`);
        }
        // Checked and set in one turn: a cancel from here on leaves the new key alone, since the write may land.
        if (cancelled(phase))
            return `The run was cancelled; the new managing key ${fresh.id} was not stored. ${kept}`;
        phase.at = 'writing';
        phase.fresh = fresh.id;
        const stored = await this.store(fresh, before);
        if (stored.state === 'not-written')
            return undo(stored.failure);
        if (stored.state === 'unverified') {
            return (`${stored.failure} Whether ${this.where} holds the new managing key ${fresh.id} or still the old one (key ${self.id}) ` +
                `could not be verified (${stored.reason}), so both were left alive: check the secret's "Last updated" in the repository settings, and once a run ` +
                `has succeeded with it, delete whichever of keys ${fresh.id} and ${self.id} it does not hold.`);
        }
        this.outcome.storedKeyId = fresh.id;
        if (!cancelled(phase))
            phase.at = 'stored';
        // The very last request: the old managing key goes, asked by its proven successor.
        try {
            const deleted = await successor.deleteKey(self.id);
            this.outcome.retiredKeyId = self.id;
            log.info(deleted === 'deleted'
                ? `Deleted the old managing key ${self.id}.`
                : `The old managing key ${self.id} was already gone.`);
            return undefined;
        }
        catch (error) {
            return (`${this.where} holds the new managing key ${fresh.id}, which works, but deleting the old managing key ${self.id} ` +
                `failed (${(0,error_message/* errorMessage */.g)(error)}): it may still be alive, and no later run retires it. Delete key ${self.id} in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}) if it is still listed.`);
        }
    }
    async renewCurrent(step) {
        const { capgo, settings, log } = this.deps;
        const kept = `${this.where} still holds capgo-api-key, which stays valid; the next run tries again.`;
        const expiresAt = (0,expiry/* newExpiry */.AQ)(settings.expiresInDays, this.clock.issueFrom());
        // The one regenerated longest ago is most likely the other; Capgo's 401 on itself settles it.
        const [first, second] = [...step.pair].sort(previous_keys/* leastRecentlyRegeneratedFirst */._T);
        const regenerate = async () => {
            try {
                return await capgo.regenerateKey(first.id, expiresAt);
            }
            catch (error) {
                if (!isSelf(error))
                    throw error;
                log.info(`Managing key ${first.id} is capgo-api-key itself (Capgo: cannot_update_apikey); regenerating key ${second.id}.`);
                return await capgo.regenerateKey(second.id, expiresAt);
            }
        };
        const [before, issued] = await Promise.all([
            this.rereadQuietly(),
            regenerate().then((key) => ({ ok: true, key }), (error) => ({ ok: false, error })),
        ]);
        if (!issued.ok) {
            if (isSelf(issued.error)) {
                return (`Capgo refused to regenerate either managing key (${first.id}, ${second.id}): capgo-api-key may not manage them. Give both ` +
                    `keys named '${step.name}' the role apikey_manager, and store one of them in ${this.where}. ${kept}`);
            }
            // Retried already; even if the regenerate went through, no secret held the other key's value.
            return `${(0,error_message/* errorMessage */.g)(issued.error)} ${kept}`;
        }
        const fresh = issued.key;
        log.info(`Regenerated managing key ${fresh.id}.`);
        const dead = (0,expiry/* expiryProblem */.rD)(fresh.expiresAt, this.clock.judgeAt(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
        if (dead) {
            return `Capgo answered with managing key ${fresh.id}, which ${dead === 'expired' ? 'is already expired' : 'expires before the next run'} (expires_at ${fresh.expiresAt}); it was not stored: set expires-in-days. ${kept}`;
        }
        const stored = await this.store(fresh, before);
        if (stored.state === 'not-written')
            return `${stored.failure} ${kept}`;
        if (stored.state === 'unverified') {
            return (`${stored.failure} Whether ${this.where} holds managing key ${fresh.id} or still capgo-api-key could not be ` +
                `verified (${stored.reason}); both stay valid until the next run, which regenerates the one it is not using.`);
        }
        this.outcome.storedKeyId = fresh.id;
        return undefined;
    }
    /**
     * Writes the secret; a write whose answer was lost is read back and judged against the secret
     * as it was just before (`before`, else as preflight read it) and GitHub's clock.
     */
    async store(fresh, before) {
        const target = this.target;
        if (!target)
            return { state: 'not-written', failure: `writing ${this.where}: its public key was not read` };
        let error;
        try {
            await target.write(fresh.key);
            return { state: 'written' };
        }
        catch (thrown) {
            error = thrown;
        }
        const failure = (0,error_message/* errorMessage */.g)(error);
        const check = await (0,write_verification/* checkFailedWrite */.Vm)(target, error, before);
        if (!check)
            return { state: 'not-written', failure };
        if (check.state === 'not-applied')
            return { state: 'not-written', failure: `${failure} (verified not written: ${check.reason})` };
        if (check.state === 'unknown')
            return { state: 'unverified', failure, reason: check.reason };
        this.deps.log.notice(`The write of ${this.where} failed in transit, but GitHub shows it updated since the write began: it holds the new managing key.`);
        return { state: 'written' };
    }
    /**
     * The secret just before the write: what a lost write is judged against, fresher than preflight's
     * read (the renewal follows the whole rotation). Undefined when the read fails: preflight's stands.
     */
    async rereadQuietly() {
        try {
            return await this.target?.reread();
        }
        catch (error) {
            this.deps.log.warning((0,error_message/* errorMessage */.g)(error));
            return undefined;
        }
    }
    async deleteQuietly(capgo, id) {
        try {
            await capgo.deleteKey(id);
            return `Key ${id} was deleted again.`;
        }
        catch (error) {
            return `Deleting key ${id} again failed too (${(0,error_message/* errorMessage */.g)(error)}): delete it in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}).`;
        }
    }
    /** A create whose answer was lost: its key, if any, goes again (sweep.ts: never another run's). */
    async sweep(step) {
        const sweep = await (0,src_sweep/* sweepStrays */.x)({
            capgo: this.deps.capgo,
            name: step.self.name,
            known: step.known,
            lease: this.deps.lease,
            secrets: this.target ? [this.target] : [],
            since: this.preflightStartedAt,
        });
        switch (sweep.kind) {
            case 'none':
                return 'No key was created.';
            case 'deleted':
                return `The create went through after all; key(s) ${sweep.ids.join(', ')} were deleted again.`;
            case 'unguarded':
            case 'written-since':
                return (`Key(s) ${sweep.ids.join(', ')} named like capgo-api-key's appeared after this run's preflight, and ` +
                    `${sweep.kind === 'unguarded' ? 'without the lease' : `with ${this.where} not proven unchanged since (${sweep.reason})`} ` +
                    `they may be another run's, whose secret holds one: none was deleted. Delete in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}) the one ${this.where} does not hold.`);
            case 'unknown':
                return `Whether Capgo created a key is unknown (${sweep.error}): if it did, delete the newest key named like capgo-api-key's in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}).`;
        }
    }
}
function pairProblem(name, pair, where) {
    const make = `On current Capgo a key cannot renew itself, so managing-key-secret needs two managing keys that renew each other: ` +
        `API keys named exactly '${name}', both with the role apikey_manager (in the organizations of the keys this action rotates), ` +
        `made in the Capgo dashboard (${previous_keys/* CAPGO_KEYS_PAGE */.IT}). ${where} and capgo-api-key hold one of them.`;
    if (pair.length === 0)
        return `${make} Capgo has no key of that name: create both.`;
    if (pair.length === 1)
        return `${make} Capgo has one (id ${pair[0].id}): create one more with the same name and role.`;
    return `${make} Capgo has ${pair.length} (ids ${pair.map((k) => k.id).join(', ')}): delete all but two, keeping the one capgo-api-key holds.`;
}
function isSelf(error) {
    return error instanceof capgo_client/* CapgoError */.tk && error.status === 401 && error.code === 'cannot_update_apikey';
}

// EXTERNAL MODULE: ./src/targets.ts
var targets = __webpack_require__(8993);
;// CONCATENATED MODULE: ./src/rotation-deps.ts





function wireRotation(input) {
    const { settings, capgo, capgoAs, octokit, log, runId } = input;
    const home = settings.workflowRepository;
    const variable = settings.keyIdVariable && home ? new GitHubKeyIdVariable(octokit, home, settings.keyIdVariable) : undefined;
    // One store for the targets and managing-key-secret: one way to seal and write, one GitHub clock.
    const store = new github_secret_store/* GitHubSecretStore */.ZH(octokit);
    // The lease lives in the workflow's repository; without GITHUB_REPOSITORY (a run outside Actions) there is none.
    const lease = home
        ? new GitHubLease(octokit, home, settings.keyName, runId, (message) => log.warning(message))
        : undefined;
    const managingSecret = (0,targets/* managingKeyTarget */.tq)(settings);
    const renewal = managingSecret
        ? new ManagingKeyRenewal({ settings, capgo, clientFor: capgoAs, secret: managingSecret, store, log, lease })
        : undefined;
    if (!lease && !settings.dryRun)
        log.warning('GITHUB_REPOSITORY is not set, so no lease keeps overlapping runs of this rotation apart.');
    return { deps: { capgo, store, variable, lease, log, followUp: renewal }, renewal, lease };
}


/***/ }),

/***/ 710:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PreflightError: () => (/* reexport */ PreflightError),
  rotate: () => (/* binding */ rotate)
});

// EXTERNAL MODULE: ./src/concurrency.ts
var src_concurrency = __webpack_require__(1532);
// EXTERNAL MODULE: ./src/plan.ts
var src_plan = __webpack_require__(2464);
// EXTERNAL MODULE: ./src/expiry.ts
var expiry = __webpack_require__(6440);
// EXTERNAL MODULE: ./src/write-verification.ts
var write_verification = __webpack_require__(5314);
;// CONCATENATED MODULE: ./src/explain.ts


// The rotation's outcome and failure sentences, in one place: the steps return facts (what they
// did, what failed), and these functions word them. Tests and users read these words: change
// them here, and only on purpose. Progress lines ("Deleted previous key 4.") stay in the steps.
// Preflight
function preflightFailed(problems) {
    return problems.length === 1
        ? `${problems[0]} Nothing was changed.`
        : `Preflight found ${problems.length} problems; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
}
function variableNotAnId(variable, value) {
    return `Variable ${variable} holds '${value.slice(0, 40)}', not a Capgo key id: set it to the id of the key the secrets hold, or delete it.`;
}
function writeCheckLeftBehind(message) {
    return `${message}; delete it by hand.`;
}
function regenerateKeepsDeadExpiry(key, problem) {
    const when = problem === 'expired'
        ? `expired at ${key.expiresAt}`
        : `expires at ${key.expiresAt}, before a next run could replace it`;
    return (`Capgo key ${key.id} ${when}, and a regenerate keeps its expiry, so the secrets would hold a dead key: ` +
        'set expires-in-days (1 to 365) to give the regenerated key a new expiry.');
}
function excessRightsWarning(id, name, rights) {
    return (`Capgo key ${id} ('${name}') has ${rights}: the secrets will hold a key with those rights. ` +
        'If the secret is meant for uploads, give the key only an upload role in Capgo (or rotate a key that has one).');
}
// rotate-after-days
function dueAnyway(rotateAfterDays, reason) {
    return `Rotating although every target secret was updated less than ${rotateAfterDays} days ago: ${reason}.`;
}
function notDuePlan(rotateAfterDays, nextDueAt) {
    return `every target was updated less than ${rotateAfterDays} days ago: nothing to do until ${nextDueAt}`;
}
function notDue(rotateAfterDays, nextDueAt) {
    return `Not rotating: every target secret was updated less than ${rotateAfterDays} days ago. Next rotation due ${nextDueAt}.`;
}
function noLeftoversRetired(reason) {
    return `No leftovers retired: ${reason}.`;
}
function leftoversNeedLease(ids) {
    return (`Earlier key(s) ${ids.join(', ')} left alive by an earlier run are not retired: without the lease, ` +
        "the secrets' last updates do not prove which key they hold. The next due rotation retires them.");
}
function leftoversPlan(newestId, ids) {
    return `every target holds key ${newestId}: delete earlier key(s) ${ids.join(', ')} left alive by an earlier run`;
}
function leftoversNotRetired(newestId, failure) {
    return `Every target holds key ${newestId}, but ${failure}`;
}
// Issuing the key
function nothingChanged(message) {
    return `${message} Nothing was changed.`;
}
function regenerateOutcomeUnknown(message, id) {
    return (`${message} Whether key ${id} was regenerated is unknown: if it was, the secrets hold a value ` +
        `that no longer works. Run again: a re-run regenerates it and writes every target.`);
}
const CREATE_REFUSED_REGENERATING = 'Capgo refused to create a key (cannot_create_apikey: API keys cannot create keys on current Capgo); regenerating instead.';
function createRefused(keyName) {
    return (`Capgo refused to create a key (400 cannot_create_apikey): on current Capgo an API key cannot create other keys. ` +
        `Use \`strategy: regenerate\` (or \`auto\`) with a key named '${keyName}' or previous-key-id. Nothing was changed.`);
}
/** A create whose answer was lost, and what the sweep for its key found. */
function lostCreate(message, keyName, sweep) {
    return `${message} ${sweepResult(keyName, sweep)}`;
}
function sweepResult(keyName, sweep) {
    switch (sweep.kind) {
        case 'none':
            return 'No key was created; nothing was changed.';
        case 'unguarded':
            return (`Key(s) ${sweep.ids.join(', ')} named '${keyName}' appeared after this run's preflight: this run's, or an ` +
                `overlapping run's. Without the lease this run cannot tell, so it deletes none; the next run retires what no secret holds. No secret was changed.`);
        case 'written-since':
            return (`Key(s) ${sweep.ids.join(', ')} named '${keyName}' appeared after this run's preflight, and the secrets are not proven ` +
                `unchanged since (${sweep.reason}): an overlapping run may have finished in between and written them, so this run deletes ` +
                `none; the next run retires what no secret holds. No secret was changed.`);
        case 'deleted':
            return `The create went through after all; key(s) ${sweep.ids.join(', ')} were deleted again. Nothing else was changed.`;
        case 'unknown':
            return (`Whether Capgo created a key is unknown (${sweep.error}). If it did, it is named '${keyName}' ` +
                `and the next run deletes it; no secret was changed.`);
    }
}
function expiryNotConfirmed(id) {
    return `Capgo did not confirm an expiry for key ${id}; this Capgo may not support expires_at.`;
}
/** expires-in-days cannot give a key that lives by both clocks: refused before any key is issued. */
function clocksTooFarApart(expiresInDays, expiresAt, clockSkewMs) {
    return (`expires-in-days: ${expiresInDays} would give the key expires_at ${expiresAt}, counted from the earlier of the runner's clock and ` +
        `Capgo's (the Date of its answers), and that is already too soon by the later one: Capgo's clock is ${clockSkew(clockSkewMs)} ` +
        "the runner's. Check the clock of the server at capgo-api-url, or of a proxy in front of it.");
}
/** Capgo answered with a key that is dead or dies before the next run: it was never written. */
function deadOnArrival(issued, problem, withdrawal, clockSkewMs = 0) {
    const when = problem === 'expired' ? 'already expired' : 'expires before a next run could replace it';
    const cause = Math.abs(clockSkewMs) > expiry/* CLOCK_SKEW_WORTH_NAMING_MS */.bN
        ? `Capgo's clock (the Date of its answers) is ${clockSkew(clockSkewMs)} the runner's, and a key is judged by the later of the two: check the clock of the server at capgo-api-url, or of a proxy in front of it.`
        : 'Set expires-in-days.';
    const head = `Capgo answered with key ${issued.key.id}, which ${when} (expires_at ${issued.key.expiresAt}): it was not written to any target. ${cause}`;
    switch (withdrawal.kind) {
        case 'regenerated':
            return `${head} The key was regenerated, so the value the targets hold no longer works: run again with expires-in-days set.`;
        case 'deleted':
            return `${head} The new key was deleted again; the previous key is untouched.`;
        case 'delete-failed':
            return `${head} Deleting it again failed too (${withdrawal.error}); the next run deletes it. The previous key is untouched.`;
    }
}
// Writing the targets
/** No target holds the new key; `causes` are the targets' errors. */
function noTargetWritten(key, withdrawal, causes) {
    const why = causes.join('\n');
    switch (withdrawal.kind) {
        case 'regenerated':
            return (`Capgo key ${key.id} was regenerated, so the value the targets hold no longer works, and no target could be written. ` +
                `Fix the cause and run again: a re-run regenerates the key and writes it.\n${why}`);
        case 'deleted':
            return `No target could be written, so the new key ${key.id} was deleted again; the previous key is untouched.\n${why}`;
        case 'delete-failed':
            return (`No target could be written, and deleting the new key ${key.id} again failed too (${withdrawal.error}): ` +
                `delete it in Capgo, or run again (a run deletes every earlier key named '${key.name}'). The previous key is untouched.\n${why}`);
    }
}
/** Some targets hold the new key, some may not: who holds what (write-verification.ts words it). */
function incompleteWrite(issued, settled, previous) {
    return (0,write_verification/* describeIncompleteWrite */.DQ)(issued.strategy, issued.key, settled, previous);
}
// After every target holds the new key
/** What went wrong after every target was written, or undefined when nothing did. */
function afterEveryTarget(keyId, results, keyName) {
    const failures = [
        results.variable?.result === 'failed'
            ? variableNotWritten(results.variable.error, results.variable.value)
            : undefined,
        results.retirement ? retirementFailure(results.retirement, keyName) : undefined,
        results.regeneratedAgain ? regeneratedAgain(results.regeneratedAgain) : undefined,
    ].filter((f) => f !== undefined);
    if (failures.length === 0)
        return undefined;
    return `Every target holds the new key ${keyId}, but:\n  - ${failures.join('\n  - ')}`;
}
function variableNotWritten(error, value) {
    return `${error} It should hold ${value}, the id of the key every target now holds.`;
}
/** What keeps earlier keys alive that should have died, or undefined when none does. */
function retirementFailure(retirement, keyName) {
    if (retirement.unsafe)
        return `${retirement.unsafe.reason} (ids ${retirement.unsafe.ids.join(', ')}).`;
    if (retirement.failed.length === 0)
        return undefined;
    return (`deleting previous key(s) failed; they are still alive. Run again to retire them (a run deletes every earlier key ` +
        `named '${keyName}'), or delete them in Capgo:\n    - ${retirement.failed.map((f) => `key ${f.id}: ${f.error}`).join('\n    - ')}`);
}
function previousKeyNotFound(id) {
    return `Previous key ${id} was not found: it is already gone, or not visible to the managing key (another user's key).`;
}
function previousKeyDeleteRefused(id, status, code) {
    return (`Capgo refused to delete previous key ${id} (${status}${code ? ` ${code}` : ''}); it stays alive. ` +
        'It is the managing key itself, or a key capgo-api-key may not manage: delete it in Capgo if it should go.');
}
function regeneratedAgain(found) {
    const what = found.kind === 'regenerated-again'
        ? `was regenerated again at ${found.theirs}, after this run regenerated it at ${found.ours}`
        : "is no longer in Capgo's list (deleted?)";
    return (`key ${found.id} ${what}: another run or a person acted on it meanwhile, so the value this run wrote may no longer work. ` +
        `Run again (with a concurrency group, or once the other run is done): a re-run regenerates it and writes every target.`);
}
function regenerateCheckFailed(id, error) {
    return `Could not check that key ${id} was not regenerated again by another run (${error}).`;
}
function clockSkew(ms) {
    const hours = Math.abs(ms) / 3_600_000;
    const amount = hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} hours`;
    return `${amount} ${ms > 0 ? 'ahead of' : 'behind'}`;
}

;// CONCATENATED MODULE: ./src/rotation-report.ts

function emptyReport(settings) {
    return {
        dryRun: settings.dryRun,
        rotated: false,
        strategy: undefined,
        plan: [],
        newKey: undefined,
        previousKeyIds: [],
        deletedKeyIds: [],
        keptKeyIds: [],
        notFoundKeyIds: [],
        targets: [],
        rotatedAt: undefined,
        nextDueAt: undefined,
        variable: settings.keyIdVariable ? { name: settings.keyIdVariable, result: 'planned' } : undefined,
        failure: undefined,
    };
}
function targetOutcome(target, result, holdsKeyId) {
    return { ref: target.ref, result, holdsKeyId, orgAccess: target.orgAccess, before: target.existing, error: undefined };
}
/** rotate-after-days: nothing rotated; perhaps leftovers of a failed run retired (or planned). */
function notDueReport(settings, targets, nextDueAt, leftovers) {
    const report = emptyReport(settings);
    report.nextDueAt = nextDueAt;
    report.targets = targets.map((target) => targetOutcome(target, 'skipped', undefined));
    report.plan.push(notDuePlan(settings.rotateAfterDays, nextDueAt));
    if (report.variable)
        report.variable.result = 'unchanged';
    if (leftovers?.kind === 'planned') {
        const { retire, newest } = leftovers;
        report.previousKeyIds = retire.replaced.map((k) => k.id);
        report.deletedKeyIds = retire.retired.map((k) => k.id);
        report.keptKeyIds = retire.kept.map((k) => k.id);
        if (retire.retired.length > 0)
            report.plan.push(leftoversPlan(newest.id, report.deletedKeyIds));
    }
    else if (leftovers?.kind === 'retired') {
        report.previousKeyIds = leftovers.retire.replaced.map((k) => k.id);
        fillRetirement(report, leftovers.retirement);
        const failure = retirementFailure(leftovers.retirement, settings.keyName);
        if (failure)
            report.failure = leftoversNotRetired(leftovers.newest.id, failure);
    }
    return report;
}
/** A dry run: the plan, and the ids it would replace, delete and keep. */
function dryRunReport(settings, found, strategy, plan) {
    const report = emptyReport(settings);
    const { previous, regenerateChoice } = found;
    const regenerated = strategy === 'regenerate' && regenerateChoice.ok ? regenerateChoice : undefined;
    report.strategy = strategy;
    report.plan.push(...plan);
    report.previousKeyIds = regenerated ? [regenerated.id] : previous.replaced.map((k) => k.id);
    report.deletedKeyIds = regenerated ? [] : previous.retired.map((k) => k.id);
    report.keptKeyIds = regenerated ? regenerated.kept.map((k) => k.id) : previous.kept.map((k) => k.id);
    report.targets = found.targets.map((target) => targetOutcome(target, 'planned', undefined));
    return report;
}
/** A key was issued: which ids it replaces, and which a regenerate leaves alive. */
function issuedReport(settings, found, issued) {
    const report = emptyReport(settings);
    report.strategy = issued.strategy;
    report.newKey = issued.key;
    report.previousKeyIds = issued.strategy === 'regenerate' ? [issued.key.id] : found.previous.replaced.map((k) => k.id);
    if (issued.strategy === 'regenerate' && found.regenerateChoice.ok)
        report.keptKeyIds.push(...found.regenerateChoice.kept.map((k) => k.id));
    return report;
}
/** Capgo issued a key already dead (or dying): written nowhere. */
function deadKeyReport(settings, found, dead) {
    const report = issuedReport(settings, found, dead.issued);
    report.newKey = undefined;
    report.failure = deadOnArrival(dead.issued, dead.problem, dead.withdrawal, dead.clockSkewMs);
    return report;
}
function writtenReport(settings, found, issued, writes) {
    const report = issuedReport(settings, found, issued);
    report.targets = writes.outcomes;
    if (writes.written > 0) {
        report.rotated = true;
        report.rotatedAt = writes.rotatedAt;
    }
    return report;
}
/** Every target provably does not hold the new key: it was withdrawn where it could be. */
function noTargetReport(settings, found, issued, writes, withdrawal) {
    const report = writtenReport(settings, found, issued, writes);
    report.newKey = undefined;
    report.failure = noTargetWritten(issued.key, withdrawal, writes.outcomes.map((t) => t.error));
    return report;
}
/** Some targets hold the new key, others may not: both keys stay alive, the run fails. */
function partialReport(settings, found, issued, writes) {
    const report = writtenReport(settings, found, issued, writes);
    report.failure = incompleteWrite(issued, writes.settled, found.previous);
    return report;
}
/** Every target holds the new key; then the variable, the deletes and the regenerate check. */
function rotatedReport(settings, found, issued, writes, after) {
    const report = writtenReport(settings, found, issued, writes);
    if (report.variable && after.variable)
        report.variable.result = after.variable.result;
    if (after.retirement)
        fillRetirement(report, after.retirement);
    report.failure = afterEveryTarget(issued.key.id, after, settings.keyName);
    return report;
}
function fillRetirement(report, retirement) {
    report.keptKeyIds.push(...retirement.kept, ...retirement.refused);
    report.deletedKeyIds.push(...retirement.deleted);
    report.notFoundKeyIds.push(...retirement.notFound);
}

;// CONCATENATED MODULE: ./src/dry-run.ts


// Step 3 of docs/contract.md: a dry run stops after preflight with the plan (plan.ts) in the log,
// the summary and the outputs. Nothing is changed.
function planDryRun(settings, deps, found) {
    const strategy = found.expectRegenerate ? 'regenerate' : 'create';
    const variable = settings.keyIdVariable ? { name: settings.keyIdVariable, current: found.variableValue } : undefined;
    const plan = [
        ...(0,src_plan/* describePlan */.df)({
            settings,
            strategy,
            regenerateChoice: found.regenerateChoice,
            generation: found.listing.generation,
            previous: found.previous,
            targets: found.targets,
            variable,
        }),
        ...(deps.followUp?.plan() ?? []),
    ];
    for (const line of plan)
        deps.log.info(`Dry run: ${line}`);
    return dryRunReport(settings, found, strategy, plan);
}

// EXTERNAL MODULE: ./src/capgo-client.ts
var capgo_client = __webpack_require__(8041);
// EXTERNAL MODULE: ./src/error-message.ts
var error_message = __webpack_require__(6587);
;// CONCATENATED MODULE: ./src/preflight-error.ts

/** A run stopped before anything changed: every problem found, worded by explain.ts. */
class PreflightError extends Error {
    constructor(problems) {
        super(preflightFailed(problems));
        this.name = 'PreflightError';
    }
}

// EXTERNAL MODULE: ./src/previous-keys.ts
var previous_keys = __webpack_require__(8571);
// EXTERNAL MODULE: ./src/sweep.ts
var src_sweep = __webpack_require__(9159);
;// CONCATENATED MODULE: ./src/issue-key.ts







async function issueKey(settings, deps, found, clock) {
    const expiresAt = (0,expiry/* newExpiry */.AQ)(settings.expiresInDays, clock.issueFrom());
    const issued = await createOrRegenerate(settings, deps, found, expiresAt, clock);
    deps.log.info(`${issued.strategy === 'create' ? 'Created' : 'Regenerated'} Capgo key ${issued.key.id} ('${issued.key.name}').`);
    if (expiresAt && !issued.key.expiresAt)
        deps.log.warning(expiryNotConfirmed(issued.key.id));
    // Whatever preflight saw, what Capgo answered decides: a dead (or dying) key is never written.
    const problem = (0,expiry/* expiryProblem */.rD)(issued.key.expiresAt, clock.judgeAt(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
    if (!problem)
        return { kind: 'issued', issued };
    const withdrawal = await withdrawKey(issued, deps.capgo);
    return { kind: 'dead-on-arrival', issued, problem, withdrawal, clockSkewMs: clock.skewMs() };
}
async function createOrRegenerate(settings, deps, found, expiresAt, clock) {
    const { regenerateChoice } = found;
    if (found.expectRegenerate)
        return regenerate(settings, deps, regenerateChoice, expiresAt);
    try {
        const key = await deps.capgo.createKey({
            name: settings.keyName,
            mode: settings.keyMode,
            limitedToApps: settings.limitedToApps,
            limitedToOrgs: settings.limitedToOrgs,
            expiresAt,
        });
        return { strategy: 'create', key };
    }
    catch (error) {
        if (error instanceof capgo_client/* CapgoError */.tk && error.code === 'cannot_create_apikey') {
            if (settings.strategy !== 'auto')
                throw new Error(createRefused(settings.keyName));
            deps.log.notice(CREATE_REFUSED_REGENERATING);
            checkRegenerable(regenerateChoice, settings, clock.judgeAt(), deps.log);
            return regenerate(settings, deps, regenerateChoice, expiresAt);
        }
        if (error instanceof capgo_client/* CapgoError */.tk && error.outcomeUnknown) {
            const sweep = await (0,src_sweep/* sweepStrays */.x)({
                capgo: deps.capgo,
                name: settings.keyName,
                known: new Set(found.listing.keys.map((k) => k.id)),
                lease: deps.lease,
                secrets: found.targets,
                since: found.startedAt,
            });
            throw new Error(lostCreate(error.message, settings.keyName, sweep));
        }
        throw error;
    }
}
async function regenerate(settings, deps, choice, expiresAt) {
    if (!choice.ok)
        throw new Error(nothingChanged(choice.problem));
    const { id } = choice;
    deps.log.info(`Regenerating Capgo key ${id}: key-mode and limited-to-* do not apply, the key keeps the rights set in Capgo.`);
    try {
        const key = await deps.capgo.regenerateKey(id, expiresAt);
        // The answer is the whole row: it may show rights the list did not (current Capgo lists no mode).
        const rights = (0,previous_keys/* excessRights */.Jy)({ mode: key.mode, globalPermissions: [] }, settings.keyMode);
        if (rights && !(choice.key && (0,previous_keys/* excessRights */.Jy)(choice.key, settings.keyMode)))
            deps.log.warning(excessRightsWarning(id, key.name, rights));
        return { strategy: 'regenerate', key };
    }
    catch (error) {
        if (!(error instanceof capgo_client/* CapgoError */.tk))
            throw error;
        if (error.outcomeUnknown)
            throw new Error(regenerateOutcomeUnknown(error.message, id));
        throw new Error(nothingChanged(error.message));
    }
}
/**
 * What must hold before a key is regenerated, from the preflight list: there is one to regenerate,
 * it will not be dead on arrival (a regenerate keeps its expires_at unless one is sent), and any
 * rights beyond the rotation's purpose are said out loud. Throws a PreflightError otherwise.
 */
function checkRegenerable(choice, settings, now, log) {
    if (!choice.ok)
        throw new PreflightError([choice.problem]);
    const key = choice.key;
    if (!key)
        return;
    if (settings.expiresInDays === undefined) {
        const problem = (0,expiry/* expiryProblem */.rD)(key.expiresAt, now, (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
        if (problem)
            throw new PreflightError([regenerateKeepsDeadExpiry(key, problem)]);
    }
    const rights = (0,previous_keys/* excessRights */.Jy)(key, settings.keyMode);
    if (rights)
        log.warning(excessRightsWarning(key.id, key.name, rights));
}
/** Takes back a key no target may hold: deletes a created one; a regenerated one cannot be undone. */
async function withdrawKey(issued, capgo) {
    if (issued.strategy === 'regenerate')
        return { kind: 'regenerated' };
    try {
        await capgo.deleteKey(issued.key.id);
        return { kind: 'deleted' };
    }
    catch (error) {
        return { kind: 'delete-failed', error: (0,error_message/* errorMessage */.g)(error) };
    }
}

// EXTERNAL MODULE: ./src/targets.ts
var src_targets = __webpack_require__(8993);
;// CONCATENATED MODULE: ./src/leftovers.ts


/**
 * GitHub's and Capgo's clocks may disagree by a little: deciding whether a run is due tolerates
 * this much, so that a converged rotation is not rotated again on every run. Retiring leftovers
 * (a delete) never does: there, only strict proof counts.
 */
const CROSS_CLOCK_TOLERANCE_MS = 30_000;
/** Whether every target provably holds the rotation's newest key: the last one issued. */
function checkConvergence(keyName, explicit, listing, targets, toleranceMs = 0) {
    const all = (0,previous_keys/* findPreviousKeys */.RR)(keyName, explicit, 0, listing).replaced;
    if (all.length === 0)
        return { converged: undefined, reason: 'no key of this rotation is alive' };
    // Regenerating moves updated_at, not created_at: the newest is the one issued last.
    const newest = [...all].sort((a, b) => issuedAt(b) - issuedAt(a) || b.id - a.id)[0];
    if (newest.name !== keyName || !newest.createdAt) {
        return {
            converged: false,
            reason: `the newest key of this rotation cannot be told (key ${newest.id} has no creation time or another name)`,
        };
    }
    // key-id-variable names the key the secrets hold: it must be the newest.
    const remembered = explicit.find((e) => e.source === 'key-id-variable');
    if (remembered && remembered.id !== newest.id) {
        return {
            converged: false,
            reason: `key-id-variable holds ${remembered.id}, but the key of '${keyName}' issued last is ${newest.id}`,
        };
    }
    const issued = issuedAt(newest);
    for (const target of targets) {
        const updated = target.existing?.updatedAt ? Date.parse(target.existing.updatedAt) : Number.NaN;
        if (Number.isNaN(updated) || Math.floor((updated + toleranceMs) / 1000) < Math.floor(issued / 1000)) {
            return {
                converged: false,
                reason: `${(0,src_targets/* describeTarget */.ff)(target.ref)} was not updated after key ${newest.id} was issued, so it may hold an earlier key or a dead value`,
            };
        }
    }
    return { converged: true, newest, all };
}
/** On a converged rotation, the earlier keys to retire (all but keep-previous of them). */
function findLeftovers(keepPrevious, convergence) {
    if (!convergence.converged)
        return { reason: convergence.reason };
    const { newest, all } = convergence;
    const earlier = all.filter((k) => k.id !== newest.id);
    if (earlier.length === 0)
        return { reason: 'no earlier key of this rotation is alive' };
    return {
        newest,
        retire: {
            replaced: earlier,
            kept: earlier.slice(0, keepPrevious),
            retired: earlier.slice(keepPrevious),
            notes: [],
        },
    };
}
function issuedAt(key) {
    const created = key.createdAt ? Date.parse(key.createdAt) : Number.NaN;
    const updated = key.updatedAt ? Date.parse(key.updatedAt) : Number.NaN;
    return Math.max(Number.isNaN(created) ? Number.NEGATIVE_INFINITY : created, Number.isNaN(updated) ? Number.NEGATIVE_INFINITY : updated);
}

;// CONCATENATED MODULE: ./src/not-due.ts


function decideDue(input) {
    const { keyName, explicit, listing, targets } = input;
    if (input.rotateAfterDays === undefined)
        return { due: true };
    const nextDueAt = nextRotationIfNotDue(targets, input.rotateAfterDays, input.now);
    if (!nextDueAt)
        return { due: true };
    const convergence = checkConvergence(keyName, explicit, listing, targets, CROSS_CLOCK_TOLERANCE_MS);
    if (convergence.converged === false)
        return { due: true, youngButUnconverged: convergence.reason };
    const strict = checkConvergence(keyName, explicit, listing, targets);
    return { due: false, nextDueAt, leftovers: findLeftovers(input.keepPrevious, strict) };
}
/** When every target is younger than the threshold, the time the oldest one comes due; else undefined. */
function nextRotationIfNotDue(targets, days, now) {
    let oldest = Number.POSITIVE_INFINITY;
    for (const { existing } of targets) {
        const updated = existing?.updatedAt ? Date.parse(existing.updatedAt) : Number.NaN;
        // A missing secret, or one whose age is unknown, is due.
        if (Number.isNaN(updated))
            return undefined;
        oldest = Math.min(oldest, updated);
    }
    const due = oldest + days * expiry/* DAY_MS */.sO;
    return due > now.getTime() ? new Date(due).toISOString() : undefined;
}

// EXTERNAL MODULE: ./src/github-clock.ts
var github_clock = __webpack_require__(211);
// EXTERNAL MODULE: ./src/github-secret-store.ts
var github_secret_store = __webpack_require__(6673);
;// CONCATENATED MODULE: ./src/preflight.ts










async function preflight(settings, deps, concurrency, clock) {
    const { log } = deps;
    const startedAt = (0,github_clock/* localNow */.A)();
    const { listing, targets, variableValue } = await readEverything(settings, deps, concurrency);
    log.info(`Capgo answered as the ${listing.generation} generation, with ${listing.keys.length} key(s) visible.`);
    const explicit = explicitIds(settings, variableValue);
    const guard = [
        ...(0,previous_keys/* managingKeyProblems */.Gk)(settings.keyName, explicit, listing, settings.strategy),
        ...(deps.followUp?.check(listing) ?? []),
    ];
    if (guard.length > 0)
        throw new PreflightError(guard);
    const planned = (0,expiry/* plannedExpiryProblem */.Rg)(settings.expiresInDays, settings.rotateAfterDays, clock);
    if (planned)
        throw new PreflightError([clocksTooFarApart(settings.expiresInDays, planned.expiresAt, clock.skewMs())]);
    const previous = (0,previous_keys/* findPreviousKeys */.RR)(settings.keyName, explicit, settings.keepPrevious, listing);
    for (const note of previous.notes)
        log.warning(note);
    const regenerateChoice = (0,previous_keys/* chooseKeyToRegenerate */.Mp)({
        keyName: settings.keyName,
        previousKeyId: settings.previousKeyId,
        rememberedId: explicit.find((e) => e.source === 'key-id-variable')?.id,
        keepPrevious: settings.keepPrevious,
        listing,
    });
    const expectRegenerate = expectsRegenerate(settings, listing);
    // Expected to regenerate: check now that it can. Else Capgo's answer to the create decides.
    if (expectRegenerate)
        checkRegenerable(regenerateChoice, settings, clock.judgeAt(), log);
    return { listing, targets, variableValue, explicit, previous, regenerateChoice, expectRegenerate, startedAt };
}
/** On current Capgo (known from the list) a create is refused anyway: `auto` goes straight to a regenerate. */
function expectsRegenerate(settings, listing) {
    return settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current');
}
async function readEverything(settings, deps, concurrency) {
    const refs = (0,src_targets/* targetsOf */.QR)(settings);
    // Secret metadata is read only when something needs it: the age check, or the dry run's plan.
    // (A write whose answer is lost is read back then, and judged against it when it was read.)
    const readExisting = settings.dryRun || settings.rotateAfterDays !== undefined;
    deps.log.info(`Preflight: listing Capgo keys, reading ${refs.length} target(s)${deps.variable ? ` and variable ${deps.variable.name}.` : '.'}`);
    // The lease is taken alongside the reads: it costs no round trip of its own. A dry run changes nothing, so takes none.
    const [listing, targets, variable, lease, followUp] = await Promise.all([
        (0,src_concurrency/* settle */.G9)(deps.capgo.listKeys()),
        (0,src_concurrency/* settleAll */.j3)(refs, concurrency, (ref) => deps.store.prepare(ref, { readExisting })),
        (0,src_concurrency/* settle */.G9)(deps.variable ? deps.variable.read() : Promise.resolve(undefined)),
        (0,src_concurrency/* settle */.G9)(deps.lease && !settings.dryRun ? deps.lease.acquire() : Promise.resolve()),
        (0,src_concurrency/* settle */.G9)(deps.followUp ? deps.followUp.preflight() : Promise.resolve()),
    ]);
    const problems = [];
    for (const result of [lease, listing, ...targets, variable, followUp])
        if (!result.ok)
            problems.push((0,error_message/* errorMessage */.g)(result.error));
    if (!listing.ok || !variable.ok || problems.length > 0)
        throw new PreflightError(problems);
    return {
        listing: listing.value,
        targets: targets.map((t) => t.value),
        variableValue: variable.value,
    };
}
/** previous-key-id first, then the id remembered in key-id-variable. */
function explicitIds(settings, variableValue) {
    const ids = [];
    if (settings.previousKeyId !== undefined)
        ids.push({ id: settings.previousKeyId, source: 'previous-key-id' });
    if (variableValue !== undefined && variableValue.trim() !== '') {
        if (!/^\d+$/.test(variableValue.trim())) {
            throw new PreflightError([variableNotAnId(settings.keyIdVariable, variableValue)]);
        }
        const id = Number(variableValue.trim());
        if (!ids.some((e) => e.id === id))
            ids.push({ id, source: 'key-id-variable' });
    }
    return ids;
}
/**
 * Regenerating kills the old value at once, and there is no rollback: proves every target
 * writable first (the public-key read only proved read access). Throws a PreflightError otherwise.
 */
async function checkWriteAccess(targets, log, concurrency) {
    log.info(`Regenerating invalidates the old value at once, so first checking that every target can be written (a throwaway secret ${github_secret_store/* WRITE_CHECK_PREFIX */.Yz}<random>, written and deleted).`);
    const checks = await (0,src_concurrency/* settleAll */.j3)(targets, concurrency, (target) => target.checkWriteAccess());
    const removals = checks.flatMap((check) => (check.ok ? [check.value] : []));
    const remove = async () => {
        try {
            const results = await (0,src_concurrency/* settleAll */.j3)(removals, concurrency, (removal) => removal());
            const failed = results.flatMap((r) => (r.ok ? [] : [(0,error_message/* errorMessage */.g)(r.error)]));
            if (failed.length > 0)
                throw new Error(failed.join('\n'));
        }
        catch (error) {
            log.warning(writeCheckLeftBehind((0,error_message/* errorMessage */.g)(error)));
        }
    };
    const problems = checks.flatMap((check) => (check.ok ? [] : [(0,error_message/* errorMessage */.g)(check.error)]));
    if (problems.length > 0) {
        await remove();
        throw new PreflightError(problems);
    }
    return { remove };
}

;// CONCATENATED MODULE: ./src/regenerate-check.ts


async function checkNotRegeneratedAgain(capgo, key, warn) {
    const ours = key.updatedAt ? Date.parse(key.updatedAt) : Number.NaN;
    if (!key.updatedAt || Number.isNaN(ours))
        return undefined; // this Capgo does not say when; the lease is the guard then
    let row;
    try {
        row = (await capgo.listKeys()).keys.find((k) => k.id === key.id);
    }
    catch (error) {
        warn(regenerateCheckFailed(key.id, (0,error_message/* errorMessage */.g)(error)));
        return undefined;
    }
    if (!row)
        return { kind: 'gone', id: key.id };
    const now = row.updatedAt ? Date.parse(row.updatedAt) : Number.NaN;
    if (!row.updatedAt || Number.isNaN(now) || now <= ours)
        return undefined;
    return { kind: 'regenerated-again', id: key.id, ours: key.updatedAt, theirs: row.updatedAt };
}

;// CONCATENATED MODULE: ./src/remember-key-id.ts

async function rememberKeyId(variable, current, id, log) {
    const value = String(id);
    try {
        const result = current === value ? 'unchanged' : await variable.write(value, current !== undefined);
        log.info(`Variable ${variable.name}: ${result} (${value}).`);
        return { result, value };
    }
    catch (error) {
        return { result: 'failed', value, error: (0,error_message/* errorMessage */.g)(error) };
    }
}

;// CONCATENATED MODULE: ./src/retire-keys.ts





async function retirePreviousKeys(previous, newId, listing, deps, concurrency, keepPrevious) {
    const kept = previous.kept.map((k) => k.id);
    for (const key of previous.kept)
        deps.log.info(`Keeping previous key ${key.id} alive (keep-previous: ${keepPrevious}).`);
    const doomed = previous.retired.filter((k) => k.id !== newId);
    const retirement = { kept, deleted: [], notFound: [], refused: [] };
    const unsafe = doomed.length > 0 ? (0,previous_keys/* canRetire */.Y)(listing) : undefined;
    if (unsafe)
        return { ...retirement, failed: [], unsafe: { reason: unsafe, ids: doomed.map((k) => k.id) } };
    const results = await (0,src_concurrency/* settleAll */.j3)(doomed, concurrency, (key) => deps.capgo.deleteKey(key.id));
    const failed = [];
    doomed.forEach((key, index) => {
        const result = results[index];
        if (result.ok && result.value === 'deleted') {
            retirement.deleted.push(key.id);
            deps.log.info(`Deleted previous key ${key.id}.`);
        }
        else if (result.ok) {
            // Capgo answers 404 alike for a key that is gone and for one the managing key may not see.
            retirement.notFound.push(key.id);
            deps.log.warning(previousKeyNotFound(key.id));
        }
        else if (result.error instanceof capgo_client/* CapgoError */.tk && (result.error.status === 401 || result.error.status === 403)) {
            // Current Capgo refuses to delete the managing key itself, or a key outside its organizations.
            retirement.refused.push(key.id);
            deps.log.warning(previousKeyDeleteRefused(key.id, result.error.status, result.error.code));
        }
        else {
            failed.push({ id: key.id, error: (0,error_message/* errorMessage */.g)(result.error) });
        }
    });
    return { ...retirement, failed, unsafe: undefined };
}
/** A run that is not due: retires what a failed run left alive, when leftovers.ts proves it safe. */
async function retireLeftovers(leftovers, listing, deps, options) {
    if ('reason' in leftovers) {
        deps.log.debug(noLeftoversRetired(leftovers.reason));
        return { kind: 'none' };
    }
    const { newest, retire } = leftovers;
    if (retire.retired.length === 0 && retire.kept.length === 0)
        return { kind: 'none' };
    // The proof is by timestamps, sound only while runs are kept apart: without the lease, an
    // overlapping run may have written an earlier key after the newest was issued.
    if (!options.dryRun && !deps.lease?.held) {
        if (retire.retired.length === 0)
            return { kind: 'none' };
        const ids = retire.retired.map((k) => k.id);
        deps.log.info(leftoversNeedLease(ids));
        return { kind: 'unguarded', ids };
    }
    if (options.dryRun)
        return { kind: 'planned', newest, retire };
    deps.log.info(`Every target holds key ${newest.id}, the newest of this rotation: retiring the earlier keys an earlier run left alive.`);
    const retirement = await retirePreviousKeys(retire, newest.id, listing, deps, options.concurrency, options.keepPrevious);
    return { kind: 'retired', newest, retire, retirement };
}

;// CONCATENATED MODULE: ./src/write-targets.ts





async function writeTargets(targets, issued, deps, concurrency, now) {
    const { log } = deps;
    const rotatedAt = now().toISOString();
    const writes = await (0,src_concurrency/* settleAll */.j3)(targets, concurrency, (target) => target.write(issued.key.key));
    const settled = await (0,write_verification/* settleWrites */.Um)(targets, writes, concurrency, log);
    const outcomes = settled.map(({ target, state, result, error }) => {
        if (state === 'written') {
            log.info(`${(0,src_targets/* describeTarget */.ff)(target.ref)}: ${result}.`);
            return targetOutcome(target, result, issued.key.id);
        }
        log.warning(error);
        // A failed target keeps whatever it held before: a previous key, or with regenerate a dead value.
        return {
            ...targetOutcome(target, 'failed', undefined),
            error,
            mayHoldKeyId: state === 'unknown' ? issued.key.id : undefined,
        };
    });
    const written = settled.filter((s) => s.state === 'written').length;
    // The created key is deleted again only when every target is proven not to hold it.
    const reach = settled.every((s) => s.state === 'not-written') ? 'none' : written < targets.length ? 'some' : 'every';
    return { rotatedAt, outcomes, settled, written, reach };
}
/** No target holds the new key: a created key is deleted again (the previous key untouched). */
async function rollBack(issued, deps) {
    const withdrawal = await withdrawKey(issued, deps.capgo);
    if (withdrawal.kind === 'deleted')
        deps.log.info(`Rolled back: deleted the new key ${issued.key.id}, which reached no target.`);
    return withdrawal;
}

;// CONCATENATED MODULE: ./src/rotation.ts













// The order of steps of docs/contract.md, each a named step in a file of its own, with Capgo and
// GitHub passed in as interfaces (rotation-types.ts). The invariants, in this order:
// - a previous key is deleted only after every target holds the new key (reach 'every');
// - a created key that reached no target is deleted again (no orphan), the previous key untouched;
// - a partial write leaves both keys alive and fails, naming which target holds which id.
// Each step returns what it did; rotation-report.ts assembles the report, explain.ts words it.
async function rotate(settings, deps) {
    try {
        return await rotateUnderLease(settings, deps);
    }
    finally {
        // Usually released already, in parallel with the last step; this covers every other exit.
        await deps.lease?.release();
    }
}
async function rotateUnderLease(settings, deps) {
    const { log, capgo, lease, followUp } = deps;
    const now = deps.now ?? (() => new Date());
    // Expiry meets two clocks, the runner's and Capgo's (the Date of its answers): expiry.ts.
    const clock = (0,expiry/* expiryClock */.MN)(now, () => capgo.now?.());
    const writeConcurrency = deps.writeConcurrency ?? src_concurrency/* WRITE_CONCURRENCY */.Qx;
    const { keyName, keepPrevious, dryRun, rotateAfterDays } = settings;
    const found = await preflight(settings, deps, deps.readConcurrency ?? src_concurrency/* READ_CONCURRENCY */.HJ, clock);
    const due = decideDue({ ...found, keyName, keepPrevious, rotateAfterDays, now: now() });
    if (!due.due) {
        log.info(notDue(rotateAfterDays, due.nextDueAt));
        const leftovers = found.expectRegenerate
            ? undefined
            : await retireLeftovers(due.leftovers, found.listing, deps, {
                dryRun,
                keepPrevious,
                concurrency: writeConcurrency,
            });
        return notDueReport(settings, found.targets, due.nextDueAt, leftovers);
    }
    if (due.youngButUnconverged)
        log.info(dueAnyway(rotateAfterDays, due.youngButUnconverged));
    const writeCheck = found.expectRegenerate && !dryRun ? await checkWriteAccess(found.targets, log, writeConcurrency) : undefined;
    if (dryRun)
        return planDryRun(settings, deps, found);
    // The throwaway secrets go while the key is issued: one round trip, not two.
    const removing = writeCheck?.remove();
    const issue = await issueKey(settings, deps, found, clock).finally(() => removing);
    if (issue.kind === 'dead-on-arrival')
        return deadKeyReport(settings, found, issue);
    const { issued } = issue;
    const writes = await writeTargets(found.targets, issued, deps, writeConcurrency, now);
    if (writes.reach === 'none')
        return noTargetReport(settings, found, issued, writes, await rollBack(issued, deps));
    if (writes.reach === 'some')
        return partialReport(settings, found, issued, writes);
    // Every target holds the new key. Steps 6 and 7 at once, since neither depends on the other.
    const [variable, retirement, regeneratedAgain] = await Promise.all([
        deps.variable && settings.keyIdVariable
            ? rememberKeyId(deps.variable, found.variableValue, issued.key.id, log)
            : undefined,
        issued.strategy === 'create'
            ? retirePreviousKeys(found.previous, issued.key.id, found.listing, deps, writeConcurrency, keepPrevious)
            : undefined,
        issued.strategy === 'regenerate' ? checkNotRegeneratedAgain(capgo, issued.key, (m) => log.warning(m)) : undefined,
        // With a managing-key renewal to follow, the lease covers it too (released in rotate()'s finally).
        followUp ? undefined : lease?.release(),
    ]);
    const report = rotatedReport(settings, found, issued, writes, { variable, retirement, regeneratedAgain });
    if (report.failure === undefined && followUp)
        report.failure = await followUp.run();
    return report;
}


/***/ }),

/***/ 9159:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ sweepStrays)
/* harmony export */ });
/* harmony import */ var _concurrency_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1532);
/* harmony import */ var _error_message_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6587);


async function sweepStrays(input) {
    const { capgo, name, known, lease, secrets, since } = input;
    try {
        const after = await capgo.listKeys();
        const strays = after.keys.filter((k) => k.name === name && !known.has(k.id) && !k.isManagingKey);
        if (strays.length === 0)
            return { kind: 'none' };
        const ids = strays.map((k) => k.id);
        if (!lease?.held)
            return { kind: 'unguarded', ids };
        const checks = await (0,_concurrency_js__WEBPACK_IMPORTED_MODULE_0__/* .settleAll */ .j3)(secrets, _concurrency_js__WEBPACK_IMPORTED_MODULE_0__/* .READ_CONCURRENCY */ .HJ, (secret) => secret.verifyWrite(since));
        for (const check of checks) {
            if (!check.ok)
                return { kind: 'written-since', ids, reason: (0,_error_message_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(check.error) };
            if (check.value.state !== 'not-applied')
                return {
                    kind: 'written-since',
                    ids,
                    reason: check.value.state === 'applied' ? 'a secret was written since' : check.value.reason,
                };
        }
        for (const id of ids)
            await capgo.deleteKey(id);
        return { kind: 'deleted', ids };
    }
    catch (error) {
        return { kind: 'unknown', error: (0,_error_message_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(error) };
    }
}


/***/ }),

/***/ 5314:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DQ: () => (/* binding */ describeIncompleteWrite),
/* harmony export */   RL: () => (/* binding */ judgeWrite),
/* harmony export */   Um: () => (/* binding */ settleWrites),
/* harmony export */   Vm: () => (/* binding */ checkFailedWrite)
/* harmony export */ });
/* unused harmony export CLOCK_TOLERANCE_MS */
/* harmony import */ var _concurrency_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1532);
/* harmony import */ var _github_secret_store_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6673);
/* harmony import */ var _error_message_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6587);
/* harmony import */ var _targets_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8993);




/**
 * Judges a secret's metadata after a write whose answer was lost. The first proof is the secret as
 * preflight read it (`before`, from the same store, so no clock is involved): a secret that did not
 * exist and still does not, or whose updated_at has not moved since and was set well before the
 * write, was not written; one that appeared or moved since was (the lease keeps other writers out).
 * Only when that cannot tell (no preflight read, or a secret updated within a second of the write)
 * is updated_at compared with the time the write began, both in GitHub's clock (its Date header).
 * GitHub's timestamps have whole seconds: a change within the second the write began stays unknown.
 */
function judgeWrite(secret, start, before) {
    if (before !== undefined) {
        if (before === null) {
            return secret === null
                ? { state: 'not-applied', reason: 'the secret still does not exist' }
                : { state: 'applied', result: 'created' };
        }
        if (secret === null)
            return { state: 'unknown', reason: 'the secret is gone, which this run did not do' };
        const was = before.updatedAt ? Date.parse(before.updatedAt) : Number.NaN;
        const now = secret.updatedAt ? Date.parse(secret.updatedAt) : Number.NaN;
        if (!Number.isNaN(was) && !Number.isNaN(now)) {
            if (now !== was)
                return { state: 'applied', result: 'updated' };
            // Unchanged: a write that landed would have moved it, unless it fell in the same second.
            if (start === undefined || was + 1000 + CLOCK_TOLERANCE_MS <= start.earliest)
                return {
                    state: 'not-applied',
                    reason: `the secret is still as preflight read it (updated at ${secret.updatedAt})`,
                };
        }
    }
    if (secret === null)
        return { state: 'not-applied', reason: 'the secret does not exist' };
    const updated = secret.updatedAt ? Date.parse(secret.updatedAt) : Number.NaN;
    if (Number.isNaN(updated))
        return { state: 'unknown', reason: "GitHub's answer has no updated_at" };
    if (!start)
        return { state: 'unknown', reason: 'GitHub sent no Date header to compare its updated_at with' };
    if (updated >= start.latest) {
        const created = secret.createdAt ? Date.parse(secret.createdAt) : Number.NaN;
        return { state: 'applied', result: created >= start.latest ? 'created' : 'updated' };
    }
    // The change happened before updated + 1 s, and the write began after start.earliest. The store's
    // timestamps and the Date header come from different machines: only a change well before the
    // write (by more than any plausible disagreement between them) proves the write did not land.
    if (updated + 1000 + CLOCK_TOLERANCE_MS <= start.earliest) {
        return {
            state: 'not-applied',
            reason: `the secret was last updated at ${secret.updatedAt}, well before the write began`,
        };
    }
    return {
        state: 'unknown',
        reason: `the secret was updated at ${secret.updatedAt}, too close to the write's start to tell`,
    };
}
/** How far GitHub's secret timestamps and its Date headers may disagree, for a proof of "not written". */
const CLOCK_TOLERANCE_MS = 15 * 60 * 1000;
/**
 * What became of a write that threw (a WriteError): undefined when it surely was not applied
 * (GitHub refused it, or it never left); when its answer was lost, the secret read back and judged
 * (judgeWrite) against `before` (by default as preflight read it), a failed read leaving it unknown.
 */
async function checkFailedWrite(target, error, before) {
    if (!(error instanceof _github_secret_store_js__WEBPACK_IMPORTED_MODULE_0__/* .WriteError */ .QM) || !error.outcomeUnknown)
        return undefined;
    try {
        return await target.verifyWrite(error.startedAt, before);
    }
    catch (readError) {
        return { state: 'unknown', reason: `reading it back failed too (${(0,_error_message_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(readError)})` };
    }
}
/** Each write's outcome, proven: unknown outcomes are verified by a read (and only they are). */
async function settleWrites(targets, writes, concurrency, log) {
    const checks = await (0,_concurrency_js__WEBPACK_IMPORTED_MODULE_2__/* .settleAll */ .j3)(targets, concurrency, async (target) => {
        const write = writes[targets.indexOf(target)];
        if (write.ok)
            return { target, state: 'written', result: write.value, error: undefined };
        const message = (0,_error_message_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .g)(write.error);
        const check = await checkFailedWrite(target, write.error);
        if (!check)
            return { target, state: 'not-written', result: undefined, error: message };
        const where = (0,_targets_js__WEBPACK_IMPORTED_MODULE_3__/* .describeTarget */ .ff)(target.ref);
        if (check.state === 'applied') {
            log.info(`${where}: the write's answer was lost, but the secret changed after it began: written.`);
            return { target, state: 'written', result: check.result, error: undefined };
        }
        if (check.state === 'not-applied')
            return {
                target,
                state: 'not-written',
                result: undefined,
                error: `${message} (verified not written: ${check.reason})`,
            };
        return {
            target,
            state: 'unknown',
            result: undefined,
            error: `${message} Whether it was written is unknown: ${check.reason}.`,
        };
    });
    return checks.map((c) => c.ok
        ? c.value
        : { target: targets[checks.indexOf(c)], state: 'unknown', result: undefined, error: String(c.error) });
}
/** The failure of a run whose targets do not all hold the new key: who holds what, and what stays alive. */
function describeIncompleteWrite(strategy, key, settled, previous) {
    const oldIds = previous.replaced.map((k) => k.id);
    const stale = strategy === 'regenerate'
        ? `the old value of key ${key.id}, which no longer works`
        : oldIds.length > 0
            ? `its previous value (previous key ${oldIds.join(' or ')})`
            : 'its previous value';
    const holds = (s) => s.state === 'written'
        ? `${s.result}, holds new key ${key.id}`
        : s.state === 'unknown'
            ? `outcome unknown, holds new key ${key.id} or ${stale}`
            : `failed, holds ${stale}`;
    const written = settled.filter((s) => s.state === 'written').length;
    const unknown = settled.filter((s) => s.state === 'unknown').length;
    const head = unknown > 0
        ? `${unknown} of ${settled.length} target(s) may or may not hold the new key: their writes' answers were lost and reading them back did not settle it.`
        : `Only ${written} of ${settled.length} targets were written.`;
    const kept = strategy === 'create' ? ' Both the new and the previous keys were left alive.' : '';
    return (`${head}${kept} Fix the cause and run again to bring every target to one key.\n` +
        `${settled.map((s) => `  - ${(0,_targets_js__WEBPACK_IMPORTED_MODULE_3__/* .describeTarget */ .ff)(s.target.ref)}: ${holds(s)}`).join('\n')}\n` +
        settled.flatMap((s) => (s.error ? [s.error] : [])).join('\n'));
}


/***/ })

};
