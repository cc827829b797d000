export const id = 739;
export const ids = [739];
export const modules = {

/***/ 8041:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CapgoClient: () => (/* binding */ CapgoClient),
/* harmony export */   proxyAwareFetch: () => (/* binding */ proxyAwareFetch),
/* harmony export */   tk: () => (/* binding */ CapgoError)
/* harmony export */ });
/* unused harmony exports capgoHeaders, generationOf, sha256Hex */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _actions_http_client__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4942);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6752);
/* harmony import */ var _log_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3529);
/* harmony import */ var _redirects_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4534);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9809);
/* harmony import */ var _response_size_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9952);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(7194);








class CapgoError extends Error {
    operation;
    failure;
    status;
    code;
    detail;
    retryAfterMs;
    constructor(operation, failure, status, 
    /** The server's snake_case code (current generation), when it sent one. */
    code, 
    /** The server's human text, or what went wrong on our side. */
    detail, retryAfterMs) {
        super(`Capgo: ${operation} failed: ${describe(failure, status, code, detail)}. ${advice(failure, status, code, retryAfterMs)}`);
        this.operation = operation;
        this.failure = failure;
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.retryAfterMs = retryAfterMs;
        this.name = 'CapgoError';
    }
    /** The request may have been carried out even though no usable answer came back. */
    get outcomeUnknown() {
        // A policy refusal is final and changed nothing, even when classic Capgo sends it as a 500.
        if (this.code !== undefined && EXPIRY_POLICY_CODES.has(this.code))
            return false;
        return this.failure !== 'http' || (this.status !== undefined && this.status >= 500);
    }
}
function describe(failure, status, code, detail) {
    if (failure === 'http')
        return `HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`;
    return detail;
}
function advice(failure, status, code, retryAfterMs) {
    if (failure === 'network')
        return 'Check capgo-api-url and that the runner can reach it.';
    if (failure === 'timeout')
        return 'Capgo did not answer in time; run again later.';
    if (failure === 'malformed')
        return 'The answer is not what a Capgo /apikey endpoint returns: check capgo-api-url.';
    switch (code) {
        case 'cannot_create_apikey':
            return 'This Capgo does not let an API key create keys: use `strategy: regenerate`, or `auto` to fall back to it.';
        case 'expiration_required':
        case 'org_requires_expiring_key':
            return 'The Capgo organization requires keys to expire: set expires-in-days (1 to 365).';
        case 'expiration_exceeds_max':
            return 'expires-in-days is longer than the Capgo organization allows: lower it.';
        case 'invalid_expiration_date':
            return 'Capgo refused the expiry date: set expires-in-days to a whole number from 1 to 365.';
        case 'cannot_update_apikey':
        case 'cannot_delete_apikey':
            return ('Capgo refuses to let capgo-api-key act on this key: it is the managing key itself, or a key it may not manage ' +
                '(bound in an organization where it is not apikey_manager). Point the rotation at the key the secret holds ' +
                '(key-name, previous-key-id), never at the managing key.');
        case 'failed_to_resolve_apikey_policy_scope':
            return 'limited-to-apps names an app this Capgo account does not have (or cannot see): check the app ids (e.g. com.example.app).';
        case 'apikey_missing_rbac_bindings':
            return 'The key has no role in Capgo, so it cannot be regenerated: give it a role in the Capgo dashboard (API keys page).';
        case 'api_key_not_found_or_access_denied':
        case 'api_key_not_found':
            return 'The key does not exist, or the managing key cannot act on it: check previous-key-id and key-name.';
    }
    if (status === 401 || status === 403) {
        return ('capgo-api-key is unknown, expired, or lacks the rights to manage keys: on classic Capgo it needs mode `all`, ' +
            'on current Capgo the role apikey_manager (or org admin). Not retried: repeated failed logins lock the IP for 15 minutes.');
    }
    if (status === 429) {
        const wait = retryAfterMs === undefined ? 'a minute' : `${Math.ceil(retryAfterMs / 1000)} s (Retry-After)`;
        return `Capgo's rate limit was hit: wait ${wait} before running again.`;
    }
    if (status !== undefined && status >= 500)
        return 'Capgo had a server error; run again later.';
    return 'Check the inputs named above.';
}
const USER_AGENT = 'capgo-key-rotation-action';
/**
 * The bundled undici, the HTTP stack Octokit already uses (Node's own fetch would load a second
 * copy). Node's fetch also ignores the runner's https_proxy / no_proxy: behind a proxy, Capgo would
 * be out of reach while GitHub is not. So Capgo goes through the proxy agent @actions/http-client
 * builds for GitHub, when one applies.
 */
function proxyAwareFetch(baseUrl) {
    const dispatcher = new _actions_http_client__WEBPACK_IMPORTED_MODULE_1__/* .HttpClient */ .Qq().getAgentDispatcher(baseUrl);
    if (!dispatcher)
        return undici__WEBPACK_IMPORTED_MODULE_2__.fetch;
    return ((url, init) => (0,undici__WEBPACK_IMPORTED_MODULE_2__.fetch)(url, { ...init, dispatcher }));
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * `capgkey` works for every key. Capgo reads `authorization` as an API key only when it is a UUID;
 * anything else is taken as a user JWT, wins over capgkey and fails 401 invalid_jwt, and failures
 * count towards a 15-minute IP lock (docs/capgo-api.md).
 */
function capgoHeaders(apiKey, hasBody) {
    return {
        capgkey: apiKey,
        ...(UUID.test(apiKey) ? { authorization: apiKey } : {}),
        accept: 'application/json',
        'user-agent': USER_AGENT,
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
    };
}
class CapgoClient {
    options;
    timeoutMs;
    retry;
    constructor(options) {
        this.options = options;
        this.timeoutMs = options.timeoutMs ?? 20_000;
        this.retry = options.retry ?? _retry_js__WEBPACK_IMPORTED_MODULE_5__/* .DEFAULT_RETRY_POLICY */ .cO;
    }
    async listKeys() {
        // Parsed inside the retried call: a garbled answer is worth another try, like a 5xx.
        return (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .withRetry */ .bD)(this.retry, retryable, async () => {
            const body = await this.request('list keys', 'GET', '/apikey/');
            // Both real backends answer a bare array; only the public docs show {"data": [...]}.
            const rows = Array.isArray(body) ? body : isObject(body) ? body.data : undefined;
            if (!Array.isArray(rows))
                throw malformed('list keys', 'the list is neither an array nor {"data": [...]}');
            const managingKeyHash = sha256Hex(this.options.apiKey);
            const keys = rows.map((row) => {
                const parsed = parseRow('list keys', row);
                // Compare and drop: classic rows carry other keys' plaintext (`key`), or their sha256 (`key_hash`).
                const record = row;
                const isManagingKey = (typeof record.key === 'string' && record.key === this.options.apiKey) ||
                    (typeof record.key_hash === 'string' && record.key_hash.toLowerCase() === managingKeyHash);
                return { ...parsed, isManagingKey };
            });
            // One row per key: a list that repeats an id could pass one row off as another (the managing key's, say).
            if (new Set(keys.map((k) => k.id)).size !== keys.length)
                throw malformed('list keys', 'the list names the same key id twice');
            return { generation: generationOf(rows), keys };
        });
    }
    // Never retried: a create whose answer was lost may still have made a key, and a second call
    // would make another. The rotation sweeps such a key up by name instead.
    async createKey(request) {
        const body = await this.request('create key', 'POST', '/apikey/', {
            name: request.name,
            mode: request.mode,
            ...(request.limitedToApps.length > 0 ? { limited_to_apps: request.limitedToApps } : {}),
            ...(request.limitedToOrgs.length > 0 ? { limited_to_orgs: request.limitedToOrgs } : {}),
            ...(request.expiresAt ? { expires_at: request.expiresAt } : {}),
            hashed: true,
        });
        return this.parseIssued('create key', isObject(body) && isObject(body.apikey) ? body.apikey : body);
    }
    // Retrying is safe, and heals a lost answer: each call replaces the secret again, and the last
    // answer holds the live one. So a garbled answer is retried too.
    async regenerateKey(id, expiresAt) {
        const operation = `regenerate key ${id}`;
        return (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .withRetry */ .bD)(this.retry, retryable, async () => {
            const body = await this.request(operation, 'PUT', `/apikey/${id}`, {
                regenerate: true,
                ...(expiresAt ? { expires_at: expiresAt } : {}),
            });
            return this.parseIssued(operation, isObject(body) && isObject(body.apikey) ? body.apikey : body);
        });
    }
    async deleteKey(id) {
        try {
            // Any 2xx is a success, whatever its body says ({success: true}, {status: "ok"}, or nothing).
            await (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .withRetry */ .bD)(this.retry, retryable, () => this.request(`delete key ${id}`, 'DELETE', `/apikey/${id}`, undefined, { ignoreBody: true }));
            return 'deleted';
        }
        catch (error) {
            if (error instanceof CapgoError && error.status === 404)
                return 'not-found';
            throw error;
        }
    }
    parseIssued(operation, body) {
        if (!isObject(body) || typeof body.key !== 'string' || body.key === '') {
            throw malformed(operation, 'the answer holds no key');
        }
        // Masked before anything else, whatever it is; then only a plain token is accepted: a value with
        // spaces or line breaks would be masked as a whole and printed in clear in pieces by later steps.
        this.options.onKeyMaterial(body.key);
        if (!KEY_VALUE.test(body.key))
            throw malformed(operation, 'the key in the answer is not a plain token (it has spaces, line breaks or other characters)');
        const { id, name, mode, expiresAt, updatedAt } = parseRow(operation, body);
        return { id, name, key: body.key, mode, expiresAt, updatedAt };
    }
    /**
     * Capgo's clock minus the runner's: expiry is Capgo's to judge (it refuses an expired key by its
     * own clock), so a runner whose clock is off must not decide with its own. Whole seconds.
     */
    clockOffsetMs;
    now() {
        return this.clockOffsetMs === undefined ? undefined : new Date(Date.now() + this.clockOffsetMs);
    }
    observeClock(dateHeader, sentAt) {
        const date = dateHeader ? Date.parse(dateHeader) : Number.NaN;
        if (Number.isNaN(date))
            return;
        // The header was made between sending and now; its midpoint is the best guess.
        this.clockOffsetMs = date + 500 - (sentAt + Date.now()) / 2;
    }
    async request(operation, method, path, json, options = {}) {
        const url = `${this.options.baseUrl}${path}`;
        const signal = AbortSignal.timeout(this.timeoutMs);
        let response;
        let text;
        const sentAt = Date.now();
        try {
            response = await (this.options.fetch ?? undici__WEBPACK_IMPORTED_MODULE_2__.fetch)(url, {
                method,
                headers: capgoHeaders(this.options.apiKey, json !== undefined),
                body: json === undefined ? undefined : JSON.stringify(json),
                signal,
                // Never followed: the managing key would go wherever the Location points.
                redirect: 'manual',
            });
            text = await (0,_response_size_js__WEBPACK_IMPORTED_MODULE_6__/* .readBoundedText */ .Ht)(response);
            this.observeClock(response.headers.get('date'), sentAt);
        }
        catch (error) {
            // Like a garbled answer: retried where that is safe, and a create's outcome stays unknown.
            if (error instanceof _response_size_js__WEBPACK_IMPORTED_MODULE_6__/* .ResponseTooLargeError */ .by)
                throw malformed(operation, error.message);
            throw transportError(operation, error, url, this.timeoutMs, signal.aborted);
        }
        if ((0,_redirects_js__WEBPACK_IMPORTED_MODULE_4__/* .isRedirect */ .N6)(response.status)) {
            throw new CapgoError(operation, 'http', response.status, undefined, redirectDetail(response, url), undefined);
        }
        const body = parseJson(text);
        if (!response.ok) {
            const { code, detail } = parseErrorBody(body);
            throw new CapgoError(operation, 'http', response.status, code, detail, (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .parseRetryAfter */ .mu)(response.headers.get('retry-after')));
        }
        if (body === undefined && text.trim() !== '' && !options.ignoreBody)
            throw malformed(operation, 'the answer is not JSON');
        return body;
    }
}
/** 5xx, 429, timeouts, lost connections and garbled answers are worth another try; other answers are final. */
function retryable(error) {
    if (!(error instanceof CapgoError))
        return { retry: false };
    if (error.failure !== 'http')
        return { retry: true };
    if (error.status === 429)
        return { retry: true, retryAfterMs: error.retryAfterMs };
    if (error.code !== undefined && EXPIRY_POLICY_CODES.has(error.code))
        return { retry: false };
    return { retry: error.status !== undefined && error.status >= 500 };
}
function transportError(operation, error, url, timeoutMs, timedOut) {
    const name = error instanceof Error ? error.name : '';
    if (timedOut || name === 'TimeoutError' || name === 'AbortError') {
        return new CapgoError(operation, 'timeout', undefined, undefined, `no answer from ${(0,_log_text_js__WEBPACK_IMPORTED_MODULE_3__/* .urlForMessage */ .Og)(url)} within ${timeoutMs / 1000} s`, undefined);
    }
    const cause = error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : error instanceof Error
            ? error.message
            : String(error);
    return new CapgoError(operation, 'network', undefined, undefined, `could not reach ${(0,_log_text_js__WEBPACK_IMPORTED_MODULE_3__/* .urlForMessage */ .Og)(url)} (${quote(cause)})`, undefined);
}
/** Names where a redirect pointed (its origin only), and that it was not followed. */
function redirectDetail(response, url) {
    const target = (0,_redirects_js__WEBPACK_IMPORTED_MODULE_4__/* .resolveLocation */ .KC)(response.headers.get('location'), url);
    const where = target
        ? `to ${(0,_log_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)((0,_redirects_js__WEBPACK_IMPORTED_MODULE_4__/* .originOf */ .yv)(target), 120)}${target.origin === new URL(url).origin ? ' (the same origin)' : ''}`
        : 'without a usable Location';
    return `a redirect ${where}, not followed: the managing key is sent to capgo-api-url only. Check capgo-api-url`;
}
function malformed(operation, what) {
    return new CapgoError(operation, 'malformed', undefined, undefined, what, undefined);
}
// Long enough for Capgo's messages; a quoted text never floods the log.
const MAX_QUOTED = 200;
const CODE = /^[a-z0-9_]{1,64}$/;
/** A key value as Capgo makes them: a UUID, or a legacy token of printable non-space ASCII. */
const KEY_VALUE = /^[\x21-\x7e]{1,1024}$/;
/**
 * Organization expiry policies. Current Capgo names them in `error`; classic Capgo enforces them in
 * a database trigger (enforce_apikey_expiration_policy), whose exception surfaces as
 * moreInfo.supabaseError.message under a generic failed_to_create_apikey (400) or
 * failed_to_update_apikey (500): that inner code is the one to act on.
 */
const EXPIRY_POLICY_CODES = new Set([
    'expiration_required',
    'expiration_exceeds_max',
    'invalid_expiration_date',
    'org_requires_expiring_key',
]);
function policyCode(body) {
    const more = isObject(body.moreInfo) ? body.moreInfo : undefined;
    const inner = more && isObject(more.supabaseError) ? more.supabaseError.message : undefined;
    return typeof inner === 'string' && EXPIRY_POLICY_CODES.has(inner) ? inner : undefined;
}
/** Server text as a message may quote it: redacted first (a later change could hide a secret from the mask), then one safe line. */
function quote(text) {
    return (0,_log_text_js__WEBPACK_IMPORTED_MODULE_3__/* .safeText */ .Hk)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_7__/* .redact */ .E$)(text), MAX_QUOTED).trim();
}
// Classic errors: {"error": "<human text>", "status": "KO"}.
// Current errors: {"error": "<snake_case code>", "message": "<text>", "moreInfo": {...}}.
// Nothing else of a body is ever quoted: a classic list body holds other keys in plaintext, and
// a proxy's page is no better. Without those fields, the status alone says what happened.
function parseErrorBody(body) {
    if (!isObject(body))
        return { code: undefined, detail: '' };
    const error = typeof body.error === 'string' && body.error.trim() !== '' ? body.error : undefined;
    const message = typeof body.message === 'string' && body.message.trim() !== '' ? body.message : undefined;
    const code = policyCode(body) ?? (error !== undefined && CODE.test(error) ? error : undefined);
    const text = message ?? (code === undefined ? error : undefined);
    return { code, detail: text === undefined ? '' : quote(text) };
}
function parseRow(operation, row) {
    if (!isObject(row))
        throw malformed(operation, 'a key is not an object');
    const id = typeof row.id === 'number' ? row.id : typeof row.id === 'string' && /^\d+$/.test(row.id) ? Number(row.id) : NaN;
    if (!Number.isSafeInteger(id))
        throw malformed(operation, 'a key has no numeric id');
    const text = (value) => (typeof value === 'string' ? value : undefined);
    return {
        id,
        name: text(row.name) ?? '',
        mode: text(row.mode),
        globalPermissions: Array.isArray(row.global_permissions)
            ? row.global_permissions.filter((p) => typeof p === 'string')
            : [],
        createdAt: text(row.created_at),
        updatedAt: text(row.updated_at),
        expiresAt: text(row.expires_at),
        ...(Array.isArray(row.limited_to_apps)
            ? { limitedToApps: row.limited_to_apps.filter((a) => typeof a === 'string') }
            : {}),
        ...(Array.isArray(row.limited_to_orgs)
            ? { limitedToOrgs: row.limited_to_orgs.filter((o) => typeof o === 'string') }
            : {}),
    };
}
/**
 * The generation from what the rows carry, never from the list's shape (both real backends answer
 * a bare array). Classic selects every column, so its rows have `mode` and `key_hash` (classic
 * get.ts: select('*')); current selects public columns only and adds `is_hashed_key` and
 * `global_permissions` (current get.ts: APIKEY_PUBLIC_COLUMNS). No row that tells: 'unknown'.
 */
function generationOf(rows) {
    let classic = false;
    let current = false;
    for (const row of rows) {
        if (!isObject(row))
            continue;
        if ('mode' in row || 'key_hash' in row || 'key' in row)
            classic = true;
        else if ('is_hashed_key' in row || 'global_permissions' in row || 'rbac_id' in row)
            current = true;
    }
    if (classic === current)
        return 'unknown';
    return classic ? 'classic' : 'current';
}
function sha256Hex(value) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(value, 'utf8').digest('hex');
}
function parseJson(text) {
    try {
        return text.trim() === '' ? undefined : JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ }),

/***/ 4534:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fg: () => (/* binding */ refuseRedirect),
/* harmony export */   KC: () => (/* binding */ resolveLocation),
/* harmony export */   N6: () => (/* binding */ isRedirect),
/* harmony export */   lv: () => (/* binding */ guardRedirects),
/* harmony export */   yv: () => (/* binding */ originOf)
/* harmony export */ });
/* unused harmony exports MAX_REDIRECTS, judgeRedirect, RedirectRefusedError */
/* harmony import */ var _log_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3529);

// Credentials go only to the origin they were given for (docs/contract.md). fetch follows
// redirects by default, and undici drops `authorization` on a cross-origin hop but keeps any other
// header (Capgo's `capgkey`): so no request with a credential lets fetch follow. Capgo never
// follows at all; GitHub answers 301/307 for a renamed repository, on its own origin, and those
// are followed here by hand.
const MAX_REDIRECTS = 5;
/** A 3xx that asks to go elsewhere (304 Not Modified is an answer, and Octokit throws on it). */
function isRedirect(status) {
    return status >= 300 && status < 400 && status !== 304;
}
/** Scheme and host of a URL, for messages: never userinfo, path, query or fragment. */
function originOf(url) {
    return `${url.protocol}//${url.host}`;
}
/** Where a Location header points, resolved against the request's URL; undefined when unusable. */
function resolveLocation(location, requestUrl) {
    if (!location)
        return undefined;
    try {
        return new URL(location, requestUrl);
    }
    catch {
        return undefined;
    }
}
/**
 * Whether a redirect may be followed with the credential: same origin as the first request (so
 * never https to http), a method-preserving status for a write (a 303 would turn it into a read,
 * and its 2xx would pass for a successful write), and a bounded number of hops.
 */
function judgeRedirect(firstUrl, requestUrl, status, method, location, hops) {
    const target = resolveLocation(location, requestUrl);
    if (!target)
        return { follow: false, reason: `a ${status} redirect without a usable Location` };
    const first = new URL(firstUrl);
    const to = (0,_log_text_js__WEBPACK_IMPORTED_MODULE_0__/* .safeText */ .Hk)(originOf(target), 120);
    if (first.protocol === 'https:' && target.protocol !== 'https:') {
        return {
            follow: false,
            reason: `a ${status} redirect from https to ${to}, which would send the credential in clear`,
        };
    }
    if (target.origin !== first.origin || target.origin === 'null') {
        return { follow: false, reason: `a ${status} redirect to another origin, ${to}` };
    }
    const read = method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD';
    if (![301, 302, 303, 307, 308].includes(status) || (status === 303 && !read)) {
        return { follow: false, reason: `a ${status} answer, which asks to repeat the request as something else` };
    }
    if (hops >= MAX_REDIRECTS)
        return { follow: false, reason: `more than ${MAX_REDIRECTS} redirects` };
    return { follow: true, url: target.href };
}
const guarded = new WeakSet();
/**
 * A fetch that never lets the transport follow a redirect, and follows the ones judgeRedirect
 * allows itself, repeating the request as it was (GitHub: "repeat the request verbatim").
 * A refused redirect is returned as it came: the caller must treat a 3xx as a failure.
 */
function guardRedirects(inner) {
    if (guarded.has(inner))
        return inner;
    const wrapped = async (url, init = {}) => {
        const first = String(url);
        let current = first;
        for (let hops = 0;; hops++) {
            const response = await inner(current, { ...init, redirect: 'manual' });
            if (!isRedirect(response.status))
                return response;
            const verdict = judgeRedirect(first, current, response.status, init.method ?? 'GET', response.headers.get('location'), hops);
            if (!verdict.follow)
                return response;
            // Free the connection: the redirect's own body is never read.
            await response.body?.cancel().catch(() => undefined);
            current = verdict.url;
        }
    };
    guarded.add(wrapped);
    return wrapped;
}
class RedirectRefusedError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RedirectRefusedError';
    }
}
/**
 * After Octokit's request: a 3xx that guardRedirects did not follow is an error, never a success
 * (Octokit itself would return it like a 200). Without a status, plugin-retry does not retry it.
 */
function refuseRedirect(options, response) {
    if (!isRedirect(response.status))
        return response;
    const requestUrl = response.url || String(options.baseUrl ?? '');
    const location = response.headers?.location;
    const verdict = requestUrl
        ? judgeRedirect(requestUrl, requestUrl, response.status, options.method, typeof location === 'string' ? location : undefined, MAX_REDIRECTS)
        : { follow: false, reason: `a ${response.status} redirect` };
    const reason = verdict.follow ? `more than ${MAX_REDIRECTS} redirects` : verdict.reason;
    throw new RedirectRefusedError(`GitHub answered ${options.method} ${options.url} with ${reason}. Not followed (the token goes only to github-api-url's ` +
        'origin) and not taken as a success: check github-api-url (on GitHub Enterprise Server: https://HOST/api/v3).');
}


/***/ }),

/***/ 9952:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bb: () => (/* binding */ limitResponseBodies),
/* harmony export */   Ct: () => (/* binding */ isBounded),
/* harmony export */   Ht: () => (/* binding */ readBoundedText),
/* harmony export */   by: () => (/* binding */ ResponseTooLargeError)
/* harmony export */ });
/* unused harmony export MAX_RESPONSE_BYTES */
// A bound on how much of an answer is read. Neither Capgo's /apikey answers (a list is capped at
// 1000 rows) nor GitHub's secrets endpoints come near it; a server or proxy that sends without end
// would otherwise grow the heap until the runner kills the job mid-rotation (lease held, a new key
// orphaned), since the request timeout leaves it 20 s of streaming.
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
class ResponseTooLargeError extends Error {
    constructor() {
        super(`the answer is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB`);
        this.name = 'ResponseTooLargeError';
    }
}
function declaredTooLarge(response) {
    const declared = Number(response.headers.get('content-length'));
    return Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES;
}
/** The body as text (UTF-8, as fetch's text() decodes it), or ResponseTooLargeError past the bound. */
async function readBoundedText(response) {
    if (declaredTooLarge(response)) {
        await response.body?.cancel().catch(() => undefined);
        throw new ResponseTooLargeError();
    }
    if (!response.body) {
        const text = await response.text();
        if (Buffer.byteLength(text, 'utf8') > MAX_RESPONSE_BYTES)
            throw new ResponseTooLargeError();
        return text;
    }
    const decoder = new TextDecoder();
    let size = 0;
    let text = '';
    // Leaving the loop early cancels the stream, which frees the connection.
    for await (const chunk of response.body) {
        size += chunk.byteLength;
        if (size > MAX_RESPONSE_BYTES)
            throw new ResponseTooLargeError();
        text += decoder.decode(chunk, { stream: true });
    }
    return text + decoder.decode();
}
function boundedStream() {
    let size = 0;
    return new TransformStream({
        transform(chunk, controller) {
            size += chunk.byteLength;
            if (size > MAX_RESPONSE_BYTES)
                controller.error(new ResponseTooLargeError());
            else
                controller.enqueue(chunk);
        },
    });
}
const bounded = new WeakSet();
/** Whether a fetch is already one of limitResponseBodies' (a retried request keeps its options). */
function isBounded(fetch) {
    return typeof fetch === 'function' && bounded.has(fetch);
}
/**
 * A fetch whose answers stop being read past MAX_RESPONSE_BYTES. Octokit takes a body it could not
 * read as empty, so an oversized answer reads as a garbled one: every caller already refuses those.
 */
function limitResponseBodies(inner) {
    const wrapped = async (url, init) => {
        const response = await inner(url, init);
        if (!response.body)
            return response;
        if (declaredTooLarge(response)) {
            await response.body.cancel().catch(() => undefined);
            return withBody(response, null);
        }
        return withBody(response, response.body.pipeThrough(boundedStream()));
    };
    bounded.add(wrapped);
    return wrapped;
}
function withBody(response, body) {
    const limited = new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
    });
    // Octokit reports the answer's URL; a new Response has none.
    Object.defineProperty(limited, 'url', { value: response.url });
    return limited;
}


/***/ })

};
