export const id = 901;
export const ids = [901];
export const modules = {

/***/ 6440:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AQ: () => (/* binding */ newExpiry),
/* harmony export */   Qj: () => (/* binding */ minimumLifetimeMs),
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
/** expires-in-days as the expires_at to send, or undefined for a key that does not expire. */
function newExpiry(expiresInDays, now) {
    return expiresInDays ? new Date(now.getTime() + expiresInDays * DAY_MS).toISOString() : undefined;
}


/***/ }),

/***/ 4964:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createGitHubClient: () => (/* binding */ createGitHubClient)
});

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(1758);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/undici/index.js
var undici = __webpack_require__(6752);
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
    if (typeof error !== 'object' || error === null)
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
    if (/\bsecondary rate\b/i.test(typeof message === 'string' ? message : '')) {
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
    return (0,github/* getOctokit */.Q)(options.token, {
        baseUrl: options.baseUrl,
        log: octokitLog,
        // 403 and 429 are not retried blindly: attemptPolicy waits where GitHub says how long.
        retry: {
            retries: options.retries ?? 3,
            retryAfterBaseValue: options.retryBaseMs ?? 1000,
            doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
        },
    }, 
    // Registered before retry, so that it wraps each attempt rather than all of them together.
    attemptPolicy(options.timeoutMs ?? 20_000, log, octokitLog, limits), dist_bundle/* retry */.L);
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
            for (let waits = 0;; waits++) {
                if (isWrite(options.method)) {
                    await writes.take((ms) => log.warning(`GitHub allows ${writes.limit} content-writing requests a minute: waiting ${Math.ceil(ms / 1000)} s before ${what}.`));
                }
                try {
                    // Set on this call's own options object rather than passed as a copy: the hooks inside
                    // this one (the token auth) are bound to that object and ignore what is passed to them.
                    // The fetch is @actions/github's proxy-aware one; wrapped, never replaced.
                    const fetch = (0,redirects/* guardRedirects */.lv)(options.request?.fetch ?? undici.fetch);
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
                    log.warning(waitMessage(wait, error.status, what, retrying, waits));
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

/***/ 980:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  wireRotation: () => (/* binding */ wireRotation)
});

// EXTERNAL MODULE: ./src/github-targets.ts
var github_targets = __webpack_require__(59);
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
            if ((0,github_errors/* isNotFound */.c)(error))
                return undefined;
            throw new Error((0,github_errors/* explainGitHubError */.P)(this.context('reading'), error));
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
        // POST is not idempotent: a 409 means "exists", so it must not be retried but PATCHed.
        const create = () => this.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
            owner,
            repo,
            name: this.name,
            value,
            request: { retries: 0 },
        });
        try {
            if (existed) {
                try {
                    await update();
                    return 'updated';
                }
                catch (error) {
                    if (!(0,github_errors/* isNotFound */.c)(error))
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
                if (error.status !== 409)
                    throw error;
                await update();
                return 'updated';
            }
        }
        catch (error) {
            throw new Error((0,github_errors/* explainGitHubError */.P)(this.context('writing'), error));
        }
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/github-clock.ts
var github_clock = __webpack_require__(211);
// EXTERNAL MODULE: ./src/settings.ts
var settings = __webpack_require__(8750);
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
const lease_PERMISSION = 'the repository permission "Variables: Read and write" (classic PAT: repo)';
class GitHubLease {
    octokit;
    repository;
    run;
    warn;
    name;
    holder;
    state = 'free';
    acquiredAt = 0;
    releasing;
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
    async acquire() {
        const value = JSON.stringify({
            holder: this.holder,
            run: this.run,
            ttl: LEASE_TTL_SECONDS,
            taken_at: new Date().toISOString(),
        });
        const { owner, repo } = this.repository;
        for (let attempt = 1; attempt <= 3; attempt++) {
            try {
                // Not retried by plugin-retry: a retried POST whose first answer was lost meets its own 409.
                await this.octokit.request('POST /repos/{owner}/{repo}/actions/variables', {
                    owner,
                    repo,
                    name: this.name,
                    value,
                    request: { retries: 0 },
                });
                return this.took();
            }
            catch (error) {
                const status = error.status;
                if (lacksVariableAccess(error)) {
                    // The token cannot see the workflow's repository: run without the lease rather than not at
                    // all, with a warning; the other guards still hold (README, security notes).
                    this.warn(`${(0,github_errors/* explainGitHubError */.P)(this.context('taking'), error)} This run goes on without the lease, so an overlapping run of the ` +
                        'same rotation is not kept out: give the token access to this repository with Variables: Read and write, or use a concurrency group.');
                    this.state = 'unguarded';
                    return;
                }
                if (typeof status === 'number' && status >= 400 && status < 500 && status !== 409) {
                    throw new Error(`${(0,github_errors/* explainGitHubError */.P)(this.context('taking'), error)} Nothing was changed.`);
                }
                // 409, or an unknown outcome (5xx, timeout, reset): see who holds it now.
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
        }
        throw new Error(`Taking the lease ${this.name} failed three times (another run took and released it meanwhile?). Nothing was changed; run again.`);
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
            if ((0,github_errors/* isNotFound */.c)(error))
                return;
            throw new Error((0,github_errors/* explainGitHubError */.P)(this.context('releasing'), error));
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
            if ((0,github_errors/* isNotFound */.c)(error))
                return undefined;
            throw new Error(`${(0,github_errors/* explainGitHubError */.P)(this.context('reading'), error)} Nothing was changed.`);
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
    return error.status === 404;
}

// EXTERNAL MODULE: ./src/capgo-client.ts
var capgo_client = __webpack_require__(8041);
// EXTERNAL MODULE: ./src/expiry.ts
var expiry = __webpack_require__(6440);
// EXTERNAL MODULE: ./src/previous-keys.ts
var previous_keys = __webpack_require__(8571);
// EXTERNAL MODULE: ./src/sealing.ts
var sealing = __webpack_require__(9552);
;// CONCATENATED MODULE: ./src/managing-key.ts







/** A write that failed: `unknown` when it may have been applied (timeout, reset, 5xx). */
class SecretWriteError extends Error {
    unknown;
    constructor(message, unknown) {
        super(message);
        this.unknown = unknown;
        this.name = 'SecretWriteError';
    }
}
/** The default name of the current-Capgo pair, derived like key-name's default. */
function managingKeyName(settings) {
    const repo = settings.workflowRepository;
    const env = settings.managingKeyEnvironment !== undefined ? `${settings.managingKeyEnvironment}:` : '';
    return `github-actions:${repo?.owner}/${repo?.repo}:${env}${(settings.managingKeySecret ?? '').toUpperCase()}`;
}
class ManagingKeyRenewal {
    deps;
    outcome;
    plannedStep;
    preflightProbe;
    now;
    constructor(deps) {
        this.deps = deps;
        // Expiry is judged by Capgo's clock once it has answered (see rotation.ts).
        const runner = deps.now ?? (() => new Date());
        this.now = () => deps.capgo.now?.() ?? runner();
        this.outcome = {
            status: 'not-run',
            where: deps.secret.where,
            generation: undefined,
            storedKeyId: undefined,
            retiredKeyId: undefined,
        };
    }
    async preflight() {
        this.preflightProbe = await this.deps.secret.prepare();
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
            problems.push(pairProblem(name, pair, this.deps.secret.where));
            return problems;
        }
        if (settings.expiresInDays === undefined) {
            for (const key of pair) {
                if ((0,expiry/* expiryProblem */.rD)(key.expiresAt, this.now(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays))) {
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
                    `store it in ${this.deps.secret.where}, and delete key ${step.self.id} last`,
            ];
        }
        return [
            `then renew the managing key: regenerate whichever of keys ${step.pair.map((k) => k.id).join(' and ')} ('${step.name}') ` +
                `capgo-api-key is not (${expiry}) and store it in ${this.deps.secret.where}; capgo-api-key stays valid until the next run`,
        ];
    }
    async run() {
        const step = this.plannedStep;
        if (!step)
            return undefined;
        this.deps.log.info(`Renewing the managing key (managing-key-secret: ${this.deps.secret.where}).`);
        const failure = step.generation === 'classic' ? await this.renewClassic(step) : await this.renewCurrent(step);
        this.outcome.status = failure ? 'failed' : 'renewed';
        if (!failure)
            this.deps.log.info(`Managing key renewed: ${this.deps.secret.where} now holds Capgo key ${this.outcome.storedKeyId}.`);
        return failure && `Every target holds the new key, but renewing the managing key failed: ${failure}`;
    }
    async renewClassic(step) {
        const { capgo, settings, log } = this.deps;
        const { self } = step;
        const kept = `capgo-api-key (key ${self.id}) still works and ${this.deps.secret.where} is unchanged; the next run tries again.`;
        const expiresAt = (0,expiry/* newExpiry */.AQ)(settings.expiresInDays, this.now());
        // GitHub's clock before the write is read while Capgo creates the key: no extra round trip.
        const [before, created] = await Promise.all([
            this.probeQuietly(),
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
        const dead = (0,expiry/* expiryProblem */.rD)(fresh.expiresAt, this.now(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
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
        const stored = await this.store(fresh, before);
        if (stored === 'not-written')
            return undo(`${this.writeFailure}`);
        if (stored === 'unverified') {
            return (`${this.writeFailure} Whether ${this.deps.secret.where} holds the new managing key ${fresh.id} or still the old one (key ${self.id}) ` +
                `could not be verified, so both were left alive: check the secret's "Last updated" in the repository settings, and once a run ` +
                `has succeeded with it, delete whichever of keys ${fresh.id} and ${self.id} it does not hold.`);
        }
        this.outcome.storedKeyId = fresh.id;
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
            return (`${this.deps.secret.where} holds the new managing key ${fresh.id}, which works, but deleting the old managing key ${self.id} ` +
                `failed (${(0,error_message/* errorMessage */.g)(error)}): it may still be alive, and no later run retires it. Delete key ${self.id} in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}) if it is still listed.`);
        }
    }
    async renewCurrent(step) {
        const { capgo, settings, log } = this.deps;
        const kept = `${this.deps.secret.where} still holds capgo-api-key, which stays valid; the next run tries again.`;
        const expiresAt = (0,expiry/* newExpiry */.AQ)(settings.expiresInDays, this.now());
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
            this.probeQuietly(),
            regenerate().then((key) => ({ ok: true, key }), (error) => ({ ok: false, error })),
        ]);
        if (!issued.ok) {
            if (isSelf(issued.error)) {
                return (`Capgo refused to regenerate either managing key (${first.id}, ${second.id}): capgo-api-key may not manage them. Give both ` +
                    `keys named '${step.name}' the role apikey_manager, and store one of them in ${this.deps.secret.where}. ${kept}`);
            }
            // Retried already; even if the regenerate went through, no secret held the other key's value.
            return `${(0,error_message/* errorMessage */.g)(issued.error)} ${kept}`;
        }
        const fresh = issued.key;
        log.info(`Regenerated managing key ${fresh.id}.`);
        const dead = (0,expiry/* expiryProblem */.rD)(fresh.expiresAt, this.now(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
        if (dead) {
            return `Capgo answered with managing key ${fresh.id}, which ${dead === 'expired' ? 'is already expired' : 'expires before the next run'} (expires_at ${fresh.expiresAt}); it was not stored: set expires-in-days. ${kept}`;
        }
        const stored = await this.store(fresh, before);
        if (stored === 'not-written')
            return `${this.writeFailure} ${kept}`;
        if (stored === 'unverified') {
            return (`${this.writeFailure} Whether ${this.deps.secret.where} holds managing key ${fresh.id} or still capgo-api-key could not be ` +
                'verified; both stay valid until the next run, which regenerates the one it is not using.');
        }
        this.outcome.storedKeyId = fresh.id;
        return undefined;
    }
    writeFailure = '';
    /** Writes the secret; an unknown outcome is settled from its metadata against GitHub's clock. */
    async store(fresh, before) {
        try {
            await this.deps.secret.write(fresh.key);
            return 'written';
        }
        catch (error) {
            this.writeFailure = (0,error_message/* errorMessage */.g)(error);
            if (!(error instanceof SecretWriteError) || !error.unknown)
                return 'not-written';
        }
        const start = before ?? this.preflightProbe;
        const after = await this.probeQuietly();
        // GitHub's Date has whole seconds, and so has updated_at: a write in the same second counts.
        const since = start?.serverTime === undefined ? undefined : Math.floor(start.serverTime / 1000) * 1000;
        const landed = after?.updatedAt !== undefined &&
            since !== undefined &&
            after.updatedAt >= since &&
            after.updatedAt !== start?.updatedAt;
        if (!landed)
            return 'unverified';
        this.deps.log.notice(`The write of ${this.deps.secret.where} failed in transit, but GitHub shows it updated since the write began: it holds the new managing key.`);
        return 'written';
    }
    async probeQuietly() {
        try {
            return await this.deps.secret.probe();
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
    /** A create whose answer was lost: delete a key of that name that preflight did not see. */
    async sweep(step) {
        try {
            const after = await this.deps.capgo.listKeys();
            const strays = after.keys.filter((k) => k.name === step.self.name && !step.known.has(k.id) && !k.isManagingKey);
            if (strays.length === 0)
                return 'No key was created.';
            for (const stray of strays)
                await this.deps.capgo.deleteKey(stray.id);
            return `The create went through after all; key(s) ${strays.map((k) => k.id).join(', ')} were deleted again.`;
        }
        catch (error) {
            return `Whether Capgo created a key is unknown (${(0,error_message/* errorMessage */.g)(error)}): if it did, delete the newest key named like capgo-api-key's in Capgo (${previous_keys/* CAPGO_KEYS_PAGE */.IT}).`;
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
/** The managing-key secret of the workflow's repository (or of one of its environments). */
class GitHubManagingSecret {
    octokit;
    name;
    where;
    route;
    params;
    context;
    publicKey;
    constructor(octokit, repository, name, environment) {
        this.octokit = octokit;
        this.name = name;
        const { owner, repo } = repository;
        // The same collections, routes and permissions as the rotation's targets (github-targets.ts).
        const ref = environment === undefined
            ? { kind: 'repository', type: 'actions', owner, repo, secret: name }
            : { kind: 'environment', type: 'actions', owner, repo, environment, secret: name };
        ({ route: this.route, params: this.params } = (0,github_targets/* collection */.rJ)(ref));
        this.where =
            environment === undefined
                ? `repository secret ${name} of ${owner}/${repo}`
                : `environment secret ${name} of ${owner}/${repo} environment '${environment}'`;
        this.context = {
            doing: `reading the public key of ${this.where}`,
            subject: (0,github_targets/* notFoundSubject */.s6)(ref),
            permission: (0,github_targets/* permissionFor */.Tj)(ref),
        };
    }
    async prepare() {
        const [response, probe] = await Promise.all([
            this.octokit.request(`GET ${this.route}/public-key`, this.params).catch((error) => {
                throw new Error((0,github_errors/* explainGitHubError */.P)(this.context, error));
            }),
            this.probe(),
        ]);
        const data = response.data;
        if (typeof data.key !== 'string' || (typeof data.key_id !== 'string' && typeof data.key_id !== 'number')) {
            throw new Error(`${this.context.doing}: GitHub's answer has no key and key_id`);
        }
        this.publicKey = { key: data.key, key_id: String(data.key_id) };
        return probe;
    }
    async probe() {
        const reading = { ...this.context, doing: `reading the metadata of ${this.where}` };
        try {
            const response = await this.octokit.request(`GET ${this.route}/{secret_name}`, {
                ...this.params,
                secret_name: this.name,
            });
            const data = response.data;
            return { updatedAt: time(data.updated_at), serverTime: time(response.headers.date) };
        }
        catch (error) {
            // Not there yet: GitHub's clock still comes with the 404.
            if ((0,github_errors/* isNotFound */.c)(error))
                return {
                    updatedAt: undefined,
                    serverTime: time(error.response?.headers?.date),
                };
            throw new Error((0,github_errors/* explainGitHubError */.P)(reading, error));
        }
    }
    async write(value) {
        if (!this.publicKey)
            throw new SecretWriteError(`writing ${this.where}: its public key was not read`, false);
        const { key, key_id } = this.publicKey;
        const encrypted_value = await (0,sealing/* seal */.o)(value, key);
        try {
            await this.octokit.request(`PUT ${this.route}/{secret_name}`, {
                ...this.params,
                secret_name: this.name,
                encrypted_value,
                key_id,
            });
        }
        catch (error) {
            const status = error.status;
            // Octokit reports a timeout or a lost connection as status 500 (or none): maybe applied.
            const unknown = typeof status !== 'number' || status >= 500;
            throw new SecretWriteError((0,github_errors/* explainGitHubError */.P)({ ...this.context, doing: `writing ${this.where}` }, error), unknown);
        }
    }
}
function time(value) {
    if (typeof value !== 'string')
        return undefined;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
}

;// CONCATENATED MODULE: ./src/rotation-deps.ts




function wireRotation(input) {
    const { settings, capgo, capgoAs, octokit, log, runId } = input;
    const home = settings.workflowRepository;
    const variable = settings.keyIdVariable && home ? new GitHubKeyIdVariable(octokit, home, settings.keyIdVariable) : undefined;
    const renewal = settings.managingKeySecret && home
        ? new ManagingKeyRenewal({
            settings,
            capgo,
            clientFor: capgoAs,
            secret: new GitHubManagingSecret(octokit, home, settings.managingKeySecret, settings.managingKeyEnvironment),
            log,
        })
        : undefined;
    // The lease lives in the workflow's repository; without GITHUB_REPOSITORY (a run outside Actions) there is none.
    const lease = home
        ? new GitHubLease(octokit, home, settings.keyName, runId, (message) => log.warning(message))
        : undefined;
    if (!lease && !settings.dryRun)
        log.warning('GITHUB_REPOSITORY is not set, so no lease keeps overlapping runs of this rotation apart.');
    return { deps: { capgo, store: new github_targets/* GitHubSecretStore */.ZH(octokit), variable, lease, log, followUp: renewal }, renewal };
}


/***/ }),

/***/ 53:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PreflightError: () => (/* binding */ PreflightError),
  rotate: () => (/* binding */ rotate)
});

// EXTERNAL MODULE: ./src/capgo-client.ts
var capgo_client = __webpack_require__(8041);
// EXTERNAL MODULE: ./src/concurrency.ts + 2 modules
var src_concurrency = __webpack_require__(4808);
// EXTERNAL MODULE: ./src/github-targets.ts
var github_targets = __webpack_require__(59);
// EXTERNAL MODULE: ./src/previous-keys.ts
var previous_keys = __webpack_require__(8571);
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
                reason: `${(0,github_targets/* describeTarget */.ff)(target.ref)} was not updated after key ${newest.id} was issued, so it may hold an earlier key or a dead value`,
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

// EXTERNAL MODULE: ./src/error-message.ts
var error_message = __webpack_require__(6587);
;// CONCATENATED MODULE: ./src/regenerate-check.ts

// After a regenerate and its writes: was the key regenerated again meanwhile (an overlapping run,
// or a person in the dashboard)? If so the value just written is already dead, and a write that
// landed after the other run's may have overwritten its live value. The key list's row tells:
// its updated_at moves with every regenerate. Returns the failure to report, if any.
async function checkNotRegeneratedAgain(capgo, key, warn) {
    const ours = key.updatedAt ? Date.parse(key.updatedAt) : Number.NaN;
    if (Number.isNaN(ours))
        return undefined; // this Capgo does not say when; the lease is the guard then
    let row;
    try {
        row = (await capgo.listKeys()).keys.find((k) => k.id === key.id);
    }
    catch (error) {
        warn(`Could not check that key ${key.id} was not regenerated again by another run (${(0,error_message/* errorMessage */.g)(error)}).`);
        return undefined;
    }
    const now = row?.updatedAt ? Date.parse(row.updatedAt) : Number.NaN;
    if (row && (Number.isNaN(now) || now <= ours))
        return undefined;
    const what = row
        ? `was regenerated again at ${row.updatedAt}, after this run regenerated it at ${key.updatedAt}`
        : "is no longer in Capgo's list (deleted?)";
    return (`key ${key.id} ${what}: another run or a person acted on it meanwhile, so the value this run wrote may no longer work. ` +
        `Run again (with a concurrency group, or once the other run is done): a re-run regenerates it and writes every target.`);
}

// EXTERNAL MODULE: ./src/plan.ts
var plan = __webpack_require__(2464);
// EXTERNAL MODULE: ./src/expiry.ts
var expiry = __webpack_require__(6440);
// EXTERNAL MODULE: ./src/write-verification.ts
var write_verification = __webpack_require__(5314);
;// CONCATENATED MODULE: ./src/rotation.ts










class PreflightError extends Error {
    constructor(problems) {
        super(problems.length === 1
            ? `${problems[0]} Nothing was changed.`
            : `Preflight found ${problems.length} problems; nothing was changed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.name = 'PreflightError';
    }
}
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
    const { log } = deps;
    const now = deps.now ?? (() => new Date());
    // Expiry is Capgo's to judge: by its clock (the Date of its answers), the runner's only until it answered.
    const capgoNow = () => deps.capgo.now?.() ?? now();
    const readConcurrency = deps.readConcurrency ?? src_concurrency/* READ_CONCURRENCY */.HJ;
    const writeConcurrency = deps.writeConcurrency ?? src_concurrency/* WRITE_CONCURRENCY */.Qx;
    const report = {
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
    // Step 2: preflight. Every read at once; any failure stops the run before anything changes.
    const { listing, targets, variableValue } = await preflight(settings, deps, readConcurrency);
    log.info(`Capgo answered as the ${listing.generation} generation, with ${listing.keys.length} key(s) visible.`);
    const explicit = explicitIds(settings, variableValue);
    const guard = [
        ...(0,previous_keys/* managingKeyProblems */.Gk)(settings.keyName, explicit, listing, settings.strategy),
        ...(deps.followUp?.check(listing) ?? []),
    ];
    if (guard.length > 0)
        throw new PreflightError(guard);
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
    // Current Capgo refuses creation by API keys, so `auto` regenerates there: check that it can.
    // Classic, or a list that does not tell: `auto` creates, and Capgo's answer to the create decides.
    const expectRegenerate = settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current');
    if (expectRegenerate)
        checkRegenerable(regenerateChoice, settings, capgoNow(), log);
    let notDue = settings.rotateAfterDays === undefined ? undefined : nextRotationIfNotDue(targets, settings.rotateAfterDays, now());
    // Young secrets skip the run only when the rotation has converged (leftovers.ts); else it is due.
    // Due or not: within the two services' clock tolerance. Leftovers: by strict proof only.
    const convergence = notDue
        ? checkConvergence(settings.keyName, explicit, listing, targets, CROSS_CLOCK_TOLERANCE_MS)
        : undefined;
    if (notDue && convergence?.converged === false) {
        log.info(`Rotating although every target secret was updated less than ${settings.rotateAfterDays} days ago: ${convergence.reason}.`);
        notDue = undefined;
    }
    if (notDue && convergence) {
        report.nextDueAt = notDue;
        report.targets = targets.map((target) => outcome(target, 'skipped', undefined));
        report.plan.push(`every target was updated less than ${settings.rotateAfterDays} days ago: nothing to do until ${notDue}`);
        if (report.variable)
            report.variable.result = 'unchanged';
        log.info(`Not rotating: every target secret was updated less than ${settings.rotateAfterDays} days ago. Next rotation due ${notDue}.`);
        if (!expectRegenerate)
            await retireLeftovers(settings, deps, report, findLeftovers(settings.keepPrevious, checkConvergence(settings.keyName, explicit, listing, targets)), writeConcurrency, listing);
        return report;
    }
    // Regenerating kills the old value at once, and there is no rollback: make sure every target
    // can be written before that (the public-key read only proved read access).
    const removeWriteChecks = expectRegenerate && !settings.dryRun ? await checkWriteAccess(targets, log, writeConcurrency) : undefined;
    // Step 3: dry run.
    if (settings.dryRun) {
        const strategy = expectRegenerate ? 'regenerate' : 'create';
        const variable = settings.keyIdVariable ? { name: settings.keyIdVariable, current: variableValue } : undefined;
        report.strategy = strategy;
        report.plan.push(...(0,plan/* describePlan */.df)({
            settings,
            strategy,
            regenerateChoice,
            generation: listing.generation,
            previous,
            targets,
            variable,
        }));
        const regenerated = strategy === 'regenerate' && regenerateChoice.ok ? regenerateChoice : undefined;
        report.previousKeyIds = regenerated ? [regenerated.id] : previous.replaced.map((k) => k.id);
        report.deletedKeyIds = regenerated ? [] : previous.retired.map((k) => k.id);
        report.keptKeyIds = regenerated ? regenerated.kept.map((k) => k.id) : previous.kept.map((k) => k.id);
        report.targets = targets.map((target) => outcome(target, 'planned', undefined));
        report.plan.push(...(deps.followUp?.plan() ?? []));
        for (const line of report.plan)
            log.info(`Dry run: ${line}`);
        return report;
    }
    // Step 4: a new key, by create or regenerate.
    const expiresAt = (0,expiry/* newExpiry */.AQ)(settings.expiresInDays, capgoNow());
    // The throwaway secrets go while the key is issued: one round trip, not two.
    const removing = removeWriteChecks?.().catch((error) => log.warning(`${(0,error_message/* errorMessage */.g)(error)}; delete it by hand.`));
    let issued;
    try {
        issued = await issueKey(settings, deps, listing, regenerateChoice, expiresAt, capgoNow);
    }
    finally {
        await removing;
    }
    report.strategy = issued.strategy;
    report.newKey = issued.key;
    report.previousKeyIds = issued.strategy === 'regenerate' ? [issued.key.id] : previous.replaced.map((k) => k.id);
    if (issued.strategy === 'regenerate' && regenerateChoice.ok)
        report.keptKeyIds.push(...regenerateChoice.kept.map((k) => k.id));
    log.info(`${issued.strategy === 'create' ? 'Created' : 'Regenerated'} Capgo key ${issued.key.id} ('${issued.key.name}').`);
    if (expiresAt && !issued.key.expiresAt) {
        log.warning(`Capgo did not confirm an expiry for key ${issued.key.id}; this Capgo may not support expires_at.`);
    }
    // Whatever preflight saw, what Capgo answered decides: a dead (or dying) key is never written.
    const deadOnArrival = (0,expiry/* expiryProblem */.rD)(issued.key.expiresAt, capgoNow(), (0,expiry/* minimumLifetimeMs */.Qj)(settings.rotateAfterDays));
    if (deadOnArrival) {
        report.newKey = undefined;
        report.failure = await refuseDeadKey(issued, deadOnArrival, deps);
        return report;
    }
    // Step 5: seal and write to every target.
    const rotatedAt = now().toISOString();
    const writes = await (0,src_concurrency/* settleAll */.j3)(targets, writeConcurrency, (target) => target.write(issued.key.key));
    // A write whose answer was lost is read back (write-verification.ts) before anything is decided.
    const settled = await (0,write_verification/* settleWrites */.Um)(targets, writes, writeConcurrency, log);
    report.targets = settled.map(({ target, state, result, error }) => {
        if (state === 'written') {
            log.info(`${(0,github_targets/* describeTarget */.ff)(target.ref)}: ${result}.`);
            return outcome(target, result, issued.key.id);
        }
        log.warning(error);
        // A failed target keeps whatever it held before: a previous key, or with regenerate a dead value.
        return {
            ...outcome(target, 'failed', undefined),
            error,
            mayHoldKeyId: state === 'unknown' ? issued.key.id : undefined,
        };
    });
    const written = settled.filter((s) => s.state === 'written').length;
    if (written > 0) {
        report.rotated = true;
        report.rotatedAt = rotatedAt;
    }
    // The created key is deleted again only when every target is proven not to hold it.
    if (settled.every((s) => s.state === 'not-written')) {
        report.newKey = undefined;
        report.failure = await handleNoTargetWritten(issued, deps, report);
        return report;
    }
    if (written < targets.length) {
        report.failure = (0,write_verification/* describeIncompleteWrite */.DQ)(issued.strategy, issued.key, settled, previous);
        return report;
    }
    // Steps 6 and 7, at once since neither depends on the other: remember the new id, and retire
    // the previous keys but for the newest keep-previous of them.
    const [variableFailure, deleteFailure, regeneratedAgain] = await Promise.all([
        writeVariable(deps, report, variableValue, issued.key.id),
        issued.strategy === 'create'
            ? retirePreviousKeys(previous, issued.key.id, deps, report, writeConcurrency, settings.keepPrevious, settings.keyName, listing)
            : undefined,
        issued.strategy === 'regenerate'
            ? checkNotRegeneratedAgain(deps.capgo, issued.key, (m) => log.warning(m))
            : undefined,
        // With a managing-key renewal to follow, the lease covers it too (released in rotate()'s finally).
        deps.followUp ? undefined : deps.lease?.release(),
    ]);
    const failures = [variableFailure, deleteFailure, regeneratedAgain].filter((f) => f !== undefined);
    if (failures.length > 0)
        report.failure = `Every target holds the new key ${issued.key.id}, but:\n  - ${failures.join('\n  - ')}`;
    else if (deps.followUp)
        report.failure = await deps.followUp.run();
    return report;
}
/** Writes key-id-variable; returns what failed, if anything. */
async function writeVariable(deps, report, current, id) {
    if (!deps.variable || !report.variable)
        return undefined;
    const value = String(id);
    try {
        report.variable.result = current === value ? 'unchanged' : await deps.variable.write(value, current !== undefined);
        deps.log.info(`Variable ${deps.variable.name}: ${report.variable.result} (${value}).`);
        return undefined;
    }
    catch (error) {
        report.variable.result = 'failed';
        return `${(0,error_message/* errorMessage */.g)(error)} It should hold ${value}, the id of the key every target now holds.`;
    }
}
async function preflight(settings, deps, concurrency) {
    const refs = (0,github_targets/* targetsOf */.QR)(settings);
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
            throw new PreflightError([
                `Variable ${settings.keyIdVariable} holds '${variableValue.slice(0, 40)}', not a Capgo key id: set it to the id of the key the secrets hold, or delete it.`,
            ]);
        }
        const id = Number(variableValue.trim());
        if (!ids.some((e) => e.id === id))
            ids.push({ id, source: 'key-id-variable' });
    }
    return ids;
}
/** Proves every target writable; returns the removal of the throwaway secrets. */
async function checkWriteAccess(targets, log, concurrency) {
    log.info(`Regenerating invalidates the old value at once, so first checking that every target can be written (a throwaway secret ${github_targets/* WRITE_CHECK_PREFIX */.Yz}<random>, written and deleted).`);
    const checks = await (0,src_concurrency/* settleAll */.j3)(targets, concurrency, (target) => target.checkWriteAccess());
    const removals = checks.flatMap((check) => (check.ok ? [check.value] : []));
    const remove = async () => {
        const results = await (0,src_concurrency/* settleAll */.j3)(removals, concurrency, (removal) => removal());
        const failed = results.flatMap((r) => (r.ok ? [] : [(0,error_message/* errorMessage */.g)(r.error)]));
        if (failed.length > 0)
            throw new Error(failed.join('\n'));
    };
    const problems = checks.flatMap((check) => (check.ok ? [] : [(0,error_message/* errorMessage */.g)(check.error)]));
    if (problems.length > 0) {
        await remove().catch((error) => log.warning(`${(0,error_message/* errorMessage */.g)(error)}; delete it by hand.`));
        throw new PreflightError(problems);
    }
    return remove;
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
function outcome(target, result, holdsKeyId) {
    return { ref: target.ref, result, holdsKeyId, orgAccess: target.orgAccess, before: target.existing, error: undefined };
}
async function issueKey(settings, deps, listing, regenerateChoice, expiresAt, now) {
    const regenerate = async () => {
        if (!regenerateChoice.ok)
            throw new Error(`${regenerateChoice.problem} Nothing was changed.`);
        const { id } = regenerateChoice;
        deps.log.info(`Regenerating Capgo key ${id}: key-mode and limited-to-* do not apply, the key keeps the rights set in Capgo.`);
        try {
            const key = await deps.capgo.regenerateKey(id, expiresAt);
            // The answer is the whole row: it may show rights the list did not (current Capgo lists no mode).
            const rights = (0,previous_keys/* excessRights */.Jy)({ mode: key.mode, globalPermissions: [] }, settings.keyMode);
            if (rights && !(regenerateChoice.key && (0,previous_keys/* excessRights */.Jy)(regenerateChoice.key, settings.keyMode)))
                warnRights(id, key.name, rights, deps.log);
            return { strategy: 'regenerate', key };
        }
        catch (error) {
            if (!(error instanceof capgo_client/* CapgoError */.tk))
                throw error;
            if (error.outcomeUnknown) {
                throw new Error(`${error.message} Whether key ${id} was regenerated is unknown: if it was, the secrets hold a value ` +
                    `that no longer works. Run again: a re-run regenerates it and writes every target.`);
            }
            throw new Error(`${error.message} Nothing was changed.`);
        }
    };
    // On current Capgo (known from the list) a create is refused anyway: no detour through it.
    if (settings.strategy === 'regenerate' || (settings.strategy === 'auto' && listing.generation === 'current'))
        return regenerate();
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
            if (settings.strategy === 'auto') {
                deps.log.notice('Capgo refused to create a key (cannot_create_apikey: API keys cannot create keys on current Capgo); regenerating instead.');
                checkRegenerable(regenerateChoice, settings, now(), deps.log);
                return regenerate();
            }
            throw new Error(`Capgo refused to create a key (400 cannot_create_apikey): on current Capgo an API key cannot create other keys. ` +
                `Use \`strategy: regenerate\` (or \`auto\`) with a key named '${settings.keyName}' or previous-key-id. Nothing was changed.`);
        }
        if (error instanceof capgo_client/* CapgoError */.tk && error.outcomeUnknown) {
            throw new Error(`${error.message} ${await sweepUnconfirmedKey(settings, deps, listing)}`);
        }
        throw error;
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
        if (problem) {
            const when = problem === 'expired'
                ? `expired at ${key.expiresAt}`
                : `expires at ${key.expiresAt}, before a next run could replace it`;
            throw new PreflightError([
                `Capgo key ${key.id} ${when}, and a regenerate keeps its expiry, so the secrets would hold a dead key: ` +
                    'set expires-in-days (1 to 365) to give the regenerated key a new expiry.',
            ]);
        }
    }
    const rights = (0,previous_keys/* excessRights */.Jy)(key, settings.keyMode);
    if (rights)
        warnRights(key.id, key.name, rights, log);
}
function warnRights(id, name, rights, log) {
    log.warning(`Capgo key ${id} ('${name}') has ${rights}: the secrets will hold a key with those rights. ` +
        'If the secret is meant for uploads, give the key only an upload role in Capgo (or rotate a key that has one).');
}
/** Capgo answered with a key that is dead or dies before the next run: it is never written. */
async function refuseDeadKey(issued, problem, deps) {
    const when = problem === 'expired' ? 'already expired' : 'expires before a next run could replace it';
    const head = `Capgo answered with key ${issued.key.id}, which ${when} (expires_at ${issued.key.expiresAt}): it was not written to any target. Set expires-in-days.`;
    if (issued.strategy === 'regenerate') {
        return `${head} The key was regenerated, so the value the targets hold no longer works: run again with expires-in-days set.`;
    }
    try {
        await deps.capgo.deleteKey(issued.key.id);
        return `${head} The new key was deleted again; the previous key is untouched.`;
    }
    catch (error) {
        return `${head} Deleting it again failed too (${(0,error_message/* errorMessage */.g)(error)}); the next run deletes it. The previous key is untouched.`;
    }
}
/**
 * A create whose answer was lost may still have made a key. Look for a key of our name that the
 * preflight list did not have and delete it, so that no live key is left that no secret holds.
 */
async function sweepUnconfirmedKey(settings, deps, before) {
    const known = new Set(before.keys.map((k) => k.id));
    try {
        const after = await deps.capgo.listKeys();
        const strays = after.keys.filter((k) => k.name === settings.keyName && !known.has(k.id) && !k.isManagingKey);
        if (strays.length === 0)
            return 'No key was created; nothing was changed.';
        // Without the lease a stray may be another run's fresh key, which its secrets may hold already.
        if (!deps.lease?.held) {
            return (`Key(s) ${strays.map((k) => k.id).join(', ')} named '${settings.keyName}' appeared after this run's preflight: this run's, or an ` +
                `overlapping run's. Without the lease this run cannot tell, so it deletes none; the next run retires what no secret holds. No secret was changed.`);
        }
        for (const stray of strays)
            await deps.capgo.deleteKey(stray.id);
        return `The create went through after all; key(s) ${strays.map((k) => k.id).join(', ')} were deleted again. Nothing else was changed.`;
    }
    catch (error) {
        return (`Whether Capgo created a key is unknown (${(0,error_message/* errorMessage */.g)(error)}). If it did, it is named '${settings.keyName}' ` +
            `and the next run deletes it; no secret was changed.`);
    }
}
async function handleNoTargetWritten(issued, deps, report) {
    const causes = report.targets.map((t) => t.error).join('\n');
    if (issued.strategy === 'regenerate') {
        return (`Capgo key ${issued.key.id} was regenerated, so the value the targets hold no longer works, and no target could be written. ` +
            `Fix the cause and run again: a re-run regenerates the key and writes it.\n${causes}`);
    }
    try {
        await deps.capgo.deleteKey(issued.key.id);
        deps.log.info(`Rolled back: deleted the new key ${issued.key.id}, which reached no target.`);
        return `No target could be written, so the new key ${issued.key.id} was deleted again; the previous key is untouched.\n${causes}`;
    }
    catch (error) {
        return (`No target could be written, and deleting the new key ${issued.key.id} again failed too (${(0,error_message/* errorMessage */.g)(error)}): ` +
            `delete it in Capgo, or run again (a run deletes every earlier key named '${issued.key.name}'). The previous key is untouched.\n${causes}`);
    }
}
/** Deletes the retired keys; returns what failed, if anything. */
async function retirePreviousKeys(previous, newId, deps, report, concurrency, keepPrevious, keyName, listing) {
    report.keptKeyIds.push(...previous.kept.map((k) => k.id));
    for (const key of previous.kept)
        deps.log.info(`Keeping previous key ${key.id} alive (keep-previous: ${keepPrevious}).`);
    const doomed = previous.retired.filter((k) => k.id !== newId);
    const unsafe = doomed.length > 0 ? (0,previous_keys/* canRetire */.Y)(listing) : undefined;
    if (unsafe)
        return `${unsafe} (ids ${doomed.map((k) => k.id).join(', ')}).`;
    const results = await (0,src_concurrency/* settleAll */.j3)(doomed, concurrency, (key) => deps.capgo.deleteKey(key.id));
    const failures = [];
    doomed.forEach((key, index) => {
        const result = results[index];
        if (result.ok && result.value === 'deleted') {
            report.deletedKeyIds.push(key.id);
            deps.log.info(`Deleted previous key ${key.id}.`);
        }
        else if (result.ok) {
            // Capgo answers 404 alike for a key that is gone and for one the managing key may not see.
            report.notFoundKeyIds.push(key.id);
            deps.log.warning(`Previous key ${key.id} was not found: it is already gone, or not visible to the managing key (another user's key).`);
        }
        else if (result.error instanceof capgo_client/* CapgoError */.tk && (result.error.status === 401 || result.error.status === 403)) {
            // Current Capgo refuses to delete the managing key itself, or a key outside its organizations.
            report.keptKeyIds.push(key.id);
            deps.log.warning(`Capgo refused to delete previous key ${key.id} (${result.error.status}${result.error.code ? ` ${result.error.code}` : ''}); it stays alive. ` +
                'It is the managing key itself, or a key capgo-api-key may not manage: delete it in Capgo if it should go.');
        }
        else {
            failures.push(`key ${key.id}: ${(0,error_message/* errorMessage */.g)(result.error)}`);
        }
    });
    if (failures.length === 0)
        return undefined;
    return (`deleting previous key(s) failed; they are still alive. Run again to retire them (a run deletes every earlier key ` +
        `named '${keyName}'), or delete them in Capgo:\n    - ${failures.join('\n    - ')}`);
}
/** A run that is not due: retires what a failed run left alive, when leftovers.ts proves it safe. */
async function retireLeftovers(settings, deps, report, leftovers, concurrency, listing) {
    if ('reason' in leftovers) {
        deps.log.debug(`No leftovers retired: ${leftovers.reason}.`);
        return;
    }
    const { newest, retire } = leftovers;
    if (retire.retired.length === 0 && retire.kept.length === 0)
        return;
    // The proof is by timestamps, sound only while runs are kept apart: without the lease, an
    // overlapping run may have written an earlier key after the newest was issued.
    if (!settings.dryRun && !deps.lease?.held) {
        if (retire.retired.length === 0)
            return;
        deps.log.info(`Earlier key(s) ${retire.retired.map((k) => k.id).join(', ')} left alive by an earlier run are not retired: without the lease, ` +
            "the secrets' last updates do not prove which key they hold. The next due rotation retires them.");
        return;
    }
    report.previousKeyIds = retire.replaced.map((k) => k.id);
    if (settings.dryRun) {
        report.deletedKeyIds = retire.retired.map((k) => k.id);
        report.keptKeyIds = retire.kept.map((k) => k.id);
        if (retire.retired.length > 0)
            report.plan.push(`every target holds key ${newest.id}: delete earlier key(s) ${report.deletedKeyIds.join(', ')} left alive by an earlier run`);
        return;
    }
    deps.log.info(`Every target holds key ${newest.id}, the newest of this rotation: retiring the earlier keys an earlier run left alive.`);
    const failure = await retirePreviousKeys(retire, newest.id, deps, report, concurrency, settings.keepPrevious, settings.keyName, listing);
    if (failure)
        report.failure = `Every target holds key ${newest.id}, but ${failure}`;
}


/***/ })

};
