/*
 * proto.js - the one SkillArena protocol client (docs/protocol.md), shared by
 * the player, host and screen pages.
 *
 * One WebSocket to ws(s)://<location.host>/ws with subprotocol skillarena.v1,
 * one JSON object per text frame. The client:
 *   - reconnects by itself with jittered backoff (0.5 s, 1 s, 2 s ... 10 s;
 *     at most 1 s while the page says it is urgent: a question is open),
 *     and at once when the page becomes visible again or the network returns;
 *     a connection that does not open within a few seconds is given up;
 *   - pings every 15 s; a missing pong means a dead link (common on factory
 *     Wi-Fi: the socket looks open but nothing arrives), so it reconnects;
 *   - watches the requests that must arrive (below) that the page asks it to
 *     watch (a live answer, which has a deadline): one not answered within
 *     SLOW_AFTER_MS turns the status to 'slow' and probes the link at once
 *     (a `ping` with a short timeout, PROBE_MS); no pong in time closes the
 *     socket and reconnects at once, without waiting for TCP to give up.
 *     The status is 'slow' (never 'open') while such a request has waited
 *     that long since it was made, on this connection or the next;
 *   - follows the browser's offline/online events: offline drops the socket
 *     at once (status 'offline'), online reconnects (or probes) at once;
 *   - keeps the offset between this device's clock and the server's, from
 *     pong round trips (best of the last few) or, before the first pong, from
 *     `server_time`, so countdowns never trust the device clock alone;
 *   - keeps a queue of requests that must reach the server (answers): each is
 *     resent with its rid until a reply carrying that rid arrives, also after
 *     a reconnect (the server makes answers idempotent).
 *
 * The page says what to send first on every (re)connection (`hello`: join,
 * resume, host or watch) and calls ready() once the server accepted it; only
 * then are queued requests (re)sent. Events: on(type, fn) for every server
 * message type, plus 'status' ('connecting' | 'open' | 'slow' |
 * 'reconnecting' | 'offline' | 'idle'), 'close' ({code, reason} of the
 * server's close frame, or null), 'replaced' and '*' for every message.
 * Only 'open' and 'slow' have a socket that is open; 'slow' says that a
 * request has waited too long for its reply.
 *
 * How the server closes (docs/protocol.md, "Closing") decides what follows:
 *   4001 replaced: this participant connected again elsewhere (another tab
 *        or phone). The client stops for good and says 'replaced'; the page
 *        tells the player and reconnects only when asked to (start()), so two
 *        tabs never take the participant from each other in a loop.
 *   4008 idle: no join, resume, host or watch came in time. The client
 *        reconnects only when there is something to say (wake()).
 *   4029 too many connections from this network: a longer pause first.
 */

export const SUBPROTOCOL = 'skillarena.v1';

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 10000];
/* The longest pause between attempts while the page is urgent (a question is open). */
const URGENT_BACKOFF_MS = 1000;
/* A connection not open after this long (plus a little per failed attempt) is given up. */
const CONNECT_TIMEOUT_MS = 4000;
const CONNECT_TIMEOUT_STEP_MS = 2000;
const CONNECT_TIMEOUT_MAX_MS = 15000;
const PING_EVERY_MS = 15000;
const PONG_TIMEOUT_MS = 8000;
/* A reliable request without a reply this long: status 'slow', and the link is probed. */
export const SLOW_AFTER_MS = 2000;
/* A probe's pong may take this long (more on a link whose pongs were slow: 2 RTT + 500 ms, up to the max). */
const PROBE_MS = 1000;
const PROBE_MAX_MS = 3000;
const RESEND_AFTER_MS = 4000;
const REQUEST_TIMEOUT_MS = 10000;
const CLOCK_SAMPLES = 5;
/* Error replies after which a queued request is sent again later. */
const RETRYABLE = new Set(['unavailable', 'rate_limited']);
/* Error replies to a hello (join/resume/host/watch) worth repeating after a pause. */
export const TRANSIENT = new Set(['unavailable', 'rate_limited', 'internal']);
const HELLO_RETRY_MS = 2000;
/* Close codes of the server (docs/protocol.md). */
export const CLOSE_REPLACED = 4001;
export const CLOSE_IDLE = 4008;
export const CLOSE_TOO_MANY = 4029;
const TOO_MANY_PAUSE_MS = 15000;

/* The browser says it has no network (navigator.onLine false is reliable; true is not). */
function offline() {
	return typeof navigator !== 'undefined' && navigator.onLine === false;
}

/* The WebSocket URL of the server that served this page. */
export function defaultUrl(loc = window.location) {
	const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
	return `${scheme}//${loc.host}/ws`;
}

let ridCounter = 0;
/* A request id unique to this page load: prefix, random part, counter. */
export function newRid(prefix = 'r') {
	ridCounter += 1;
	const rnd = Math.random().toString(36).slice(2, 8);
	return `${prefix}-${rnd}-${ridCounter}`;
}

export class Client {
	constructor({ url = defaultUrl() } = {}) {
		this.url = url;
		this.handlers = new Map();
		this.ws = null;
		this.status = 'idle';
		this.stopped = true;
		this.everOpened = false;
		this.attempt = 0;
		this.dormant = false; /* closed as idle: reconnect on wake() only */
		this.urgent = false;  /* the page needs the link now: short backoff */
		this.isReady = false;
		this.hello = null;
		this.queue = new Map();    /* rid -> {msg, resolve, watch, since, timer, slowTimer} (reliable) */
		this.requests = new Map(); /* rid -> {resolve, timer} (one-shot) */
		this.samples = [];         /* [{rtt, offset}] from pongs */
		this.roughOffset = null;   /* from server_time, before any pong */
		this.pingTimer = null;
		this.pongTimer = null;
		this.pongDue = 0;
		this.retryTimer = null;
		this.helloTimer = null;
		this.connectTimer = null;
		this.onVisible = () => {
			if (document.visibilityState === 'visible') this.wake();
		};
		this.onOnline = () => this.wake(true);
		this.onOffline = () => this.goneOffline();
	}

	on(type, fn) {
		if (!this.handlers.has(type)) this.handlers.set(type, new Set());
		this.handlers.get(type).add(fn);
		return this;
	}

	off(type, fn) {
		const set = this.handlers.get(type);
		if (set) set.delete(fn);
		return this;
	}

	emit(type, msg) {
		for (const fn of this.handlers.get(type) || []) fn(msg);
	}

	/* Starts connecting; hello() returns the first message of each connection (or null). */
	start(hello) {
		this.hello = hello;
		this.stopped = false;
		this.dormant = false;
		document.addEventListener('visibilitychange', this.onVisible);
		window.addEventListener('online', this.onOnline);
		window.addEventListener('offline', this.onOffline);
		this.connect();
	}

	stop() {
		this.stopped = true;
		document.removeEventListener('visibilitychange', this.onVisible);
		window.removeEventListener('online', this.onOnline);
		window.removeEventListener('offline', this.onOffline);
		clearTimeout(this.retryTimer);
		this.retryTimer = null;
		this.drop();
	}

	/* While on (a question is open, an answer waits), reconnect attempts come at most URGENT_BACKOFF_MS apart. */
	setUrgent(on) {
		this.urgent = !!on;
		if (this.urgent && this.retryTimer && this.retryDue - Date.now() > URGENT_BACKOFF_MS && !offline()) this.scheduleReconnect();
	}

	setStatus(status) {
		if (this.status === status) return;
		this.status = status;
		this.emit('status', status);
	}

	/* The status while no socket is open. */
	waitingStatus() {
		if (offline()) return 'offline';
		return this.everOpened ? 'reconnecting' : 'connecting';
	}

	/* The status while the socket is open: 'slow' when a reliable request waited too long. */
	refreshStatus() {
		if (!this.isOpen()) return;
		const now = Date.now();
		let late = false;
		for (const q of this.queue.values()) if (q.watch && now - q.since >= SLOW_AFTER_MS) late = true;
		this.setStatus(late ? 'slow' : 'open');
	}

	connect() {
		clearTimeout(this.retryTimer);
		this.retryTimer = null;
		this.dormant = false;
		this.setStatus(this.waitingStatus());
		let ws;
		try {
			ws = new WebSocket(this.url, SUBPROTOCOL);
		} catch (e) {
			this.scheduleReconnect();
			return;
		}
		this.ws = ws;
		/* a handshake lost on a dead link would wait for TCP: give it up sooner */
		const limit = Math.min(CONNECT_TIMEOUT_MS + CONNECT_TIMEOUT_STEP_MS * this.attempt, CONNECT_TIMEOUT_MAX_MS);
		this.connectTimer = setTimeout(() => {
			if (this.ws === ws && ws.readyState !== WebSocket.OPEN) this.lost();
		}, limit);
		ws.onopen = () => {
			clearTimeout(this.connectTimer);
			this.everOpened = true;
			this.refreshStatus();
			const first = this.hello ? this.hello() : null;
			if (first) this.send(first);
			this.ping();
		};
		ws.onmessage = (ev) => this.receive(ev.data);
		ws.onclose = (ev) => {
			if (this.ws === ws) this.lost(ev && ev.code ? { code: ev.code, reason: ev.reason || '' } : null);
		};
		ws.onerror = () => {};
	}

	/* Detaches and closes the current socket without waiting for its close handshake. */
	drop() {
		const ws = this.ws;
		this.ws = null;
		this.isReady = false;
		clearTimeout(this.helloTimer);
		clearTimeout(this.connectTimer);
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
		this.pingTimer = this.pongTimer = null;
		for (const q of this.queue.values()) {
			clearTimeout(q.slowTimer);
			q.slowTimer = null;
		}
		if (ws) {
			ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
			try {
				ws.close();
			} catch (e) { /* already closed */ }
		}
	}

	/* The connection is gone: fail one-shot requests, keep the queue, reconnect
	 * (or not: closed as replaced or idle, see the top of this file); at once
	 * when `now` (a dead link found while a request waits: no reason to pause). */
	lost(closed = null, now = false) {
		this.drop();
		for (const [rid, r] of this.requests) {
			clearTimeout(r.timer);
			r.resolve({ type: 'error', rid, code: 'no_reply' });
		}
		this.requests.clear();
		this.emit('close', closed);
		const code = closed ? closed.code : 0;
		if (code === CLOSE_REPLACED) {
			this.stop();
			this.setStatus('idle');
			this.emit('replaced', closed);
		} else if (code === CLOSE_IDLE) {
			this.dormant = true;
			this.setStatus('idle');
		} else if (this.stopped) {
			/* stop() was called: stay closed */
		} else if (now && !offline()) {
			this.connect();
		} else {
			this.scheduleReconnect(code === CLOSE_TOO_MANY ? TOO_MANY_PAUSE_MS : 0);
		}
	}

	/*
	 * The next attempt after a pause: the backoff step (at most
	 * URGENT_BACKOFF_MS while urgent), at least atLeastMs, jittered; the
	 * longest step while the browser says it is offline (its online event
	 * comes sooner).
	 */
	scheduleReconnect(atLeastMs = 0) {
		this.setStatus(this.waitingStatus());
		let base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
		if (offline()) base = BACKOFF_MS[BACKOFF_MS.length - 1];
		else if (this.urgent) base = Math.min(base, URGENT_BACKOFF_MS);
		base = Math.max(atLeastMs, base);
		this.attempt += 1;
		const delay = base * (0.8 + Math.random() * 0.4);
		clearTimeout(this.retryTimer);
		this.retryDue = Date.now() + delay;
		this.retryTimer = setTimeout(() => this.connect(), delay);
	}

	/* Page visible again, network back (probe: a short pong timeout), or the page
	 * has something to say: check the link now instead of waiting (and
	 * reconnect a dormant client). */
	wake(probe = false) {
		if (this.stopped) return;
		if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ping(probe ? this.probeMs() : PONG_TIMEOUT_MS);
		else if (this.retryTimer || this.dormant) this.connect();
	}

	/* The browser lost its network: the socket is dead whatever it says; wait for `online`. */
	goneOffline() {
		if (this.stopped || this.dormant) return;
		if (this.ws) this.lost();
		else if (this.retryTimer) this.scheduleReconnect();
	}

	isOpen() {
		return !!this.ws && this.ws.readyState === WebSocket.OPEN;
	}

	/* Sends one message now if the socket is open; returns whether it was sent. */
	send(msg) {
		if (!this.isOpen()) return false;
		this.ws.send(JSON.stringify(msg));
		return true;
	}

	/* The hello was refused for a passing reason: say it again in a moment (same connection). */
	retryHello() {
		clearTimeout(this.helloTimer);
		this.helloTimer = setTimeout(() => {
			const first = !this.isReady && this.hello ? this.hello() : null;
			if (first) this.send(first);
		}, HELLO_RETRY_MS);
	}

	/* The server accepted this connection's hello: reset backoff, flush the queue. */
	ready() {
		this.isReady = true;
		this.attempt = 0;
		for (const rid of this.queue.keys()) this.transmit(rid);
		this.refreshStatus();
	}

	/*
	 * A request that must arrive (an answer): sent now or once ready, resent
	 * with the same rid every few seconds and after each reconnect until a reply
	 * with its rid comes (ack, or an error that is not retryable). Resolves with
	 * that reply. With watch (a request the player waits for, against a
	 * deadline), a reply overdue by SLOW_AFTER_MS makes the status 'slow' and
	 * probes the link (see overdue()).
	 */
	reliable(msg, { watch = false } = {}) {
		if (!msg.rid) msg.rid = newRid('a');
		return new Promise((resolve) => {
			this.queue.set(msg.rid, { msg, resolve, watch, since: Date.now(), timer: null, slowTimer: null });
			if (watch) setTimeout(() => this.refreshStatus(), SLOW_AFTER_MS); /* also when it could not go out yet */
			if (this.isReady) this.transmit(msg.rid);
		});
	}

	/* Drops a queued request (its promise never resolves). */
	cancel(rid) {
		const q = this.queue.get(rid);
		if (!q) return;
		clearTimeout(q.timer);
		clearTimeout(q.slowTimer);
		this.queue.delete(rid);
		this.refreshStatus();
	}

	transmit(rid) {
		const q = this.queue.get(rid);
		if (!q) return;
		clearTimeout(q.timer);
		/* on each connection: its reply overdue SLOW_AFTER_MS after it went out there */
		if (this.isReady && this.send(q.msg) && q.watch && !q.slowTimer) q.slowTimer = setTimeout(() => this.overdue(rid), SLOW_AFTER_MS);
		q.timer = setTimeout(() => this.transmit(rid), RESEND_AFTER_MS);
	}

	/*
	 * A reliable request got no reply SLOW_AFTER_MS after it was sent on this
	 * connection: say the network is slow and probe the link now (its pong
	 * comes at once on a live link, even while the request waits for the
	 * database); no pong within probeMs() closes the socket and reconnects.
	 */
	overdue(rid) {
		const q = this.queue.get(rid);
		if (!q) return;
		q.slowTimer = null;
		this.refreshStatus();
		this.ping(this.probeMs());
	}

	/* How long a probe waits for its pong: PROBE_MS, more on a link whose round trips were slow. */
	probeMs() {
		let worst = 0;
		for (const s of this.samples) worst = Math.max(worst, s.rtt);
		return Math.min(Math.max(PROBE_MS, 2 * worst + 500), PROBE_MAX_MS);
	}

	/*
	 * A one-shot request (host commands, which must not be repeated blindly):
	 * resolves with the reply carrying its rid, or with a local error
	 * {code: 'no_reply'} if the connection drops or nothing comes in time.
	 */
	request(msg) {
		if (!msg.rid) msg.rid = newRid('h');
		const rid = msg.rid;
		return new Promise((resolve) => {
			if (!this.send(msg)) {
				resolve({ type: 'error', rid, code: 'no_reply' });
				return;
			}
			const timer = setTimeout(() => {
				this.requests.delete(rid);
				resolve({ type: 'error', rid, code: 'no_reply' });
			}, REQUEST_TIMEOUT_MS);
			this.requests.set(rid, { resolve, timer });
		});
	}

	receive(data) {
		let msg;
		try {
			msg = JSON.parse(data);
		} catch (e) {
			return;
		}
		if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
		if (msg.type === 'pong') this.onPong(msg);
		else if (typeof msg.server_time === 'number') this.roughOffset = msg.server_time - Date.now();
		this.settle(msg);
		this.emit(msg.type, msg);
		this.emit('*', msg);
	}

	/*
	 * Resolves the request a reply belongs to. A reply that a request was
	 * waiting for (or that its queue will retry) is marked msg.handled, so a
	 * page's general 'error' handler can leave it to the request's owner.
	 */
	settle(msg) {
		let rid = typeof msg.rid === 'string' ? msg.rid : null;
		/* A duplicate ack may carry another rid: match queued answers by question. */
		if (msg.type === 'ack' && !(rid && this.queue.has(rid))) {
			for (const [r, q] of this.queue) {
				if (q.msg.question_id === msg.question_id) rid = r;
			}
		}
		if (!rid) return;
		const req = this.requests.get(rid);
		if (req || this.queue.has(rid)) Object.defineProperty(msg, 'handled', { value: true });
		if (req) {
			clearTimeout(req.timer);
			this.requests.delete(rid);
			req.resolve(msg);
		}
		const q = this.queue.get(rid);
		if (q) {
			if (msg.type === 'error' && RETRYABLE.has(msg.code)) return; /* the timer resends */
			clearTimeout(q.timer);
			clearTimeout(q.slowTimer);
			this.queue.delete(rid);
			q.resolve(msg);
			/* after the request's owner has seen the reply: the page never shows 'open' beside a request still waiting */
			queueMicrotask(() => this.refreshStatus());
		}
	}

	/*
	 * Sends a ping; without a pong (for it or an earlier one) within timeoutMs
	 * the link is dead even if the socket says open: it is closed and, when
	 * the timeout was a probe's (shorter than the keepalive's), reconnected at
	 * once. A shorter timeout replaces a longer one still running.
	 */
	ping(timeoutMs = PONG_TIMEOUT_MS) {
		if (!this.isOpen()) return;
		const now = Date.now();
		this.send({ type: 'ping', t: now });
		if (!this.pongTimer || now + timeoutMs < this.pongDue) {
			clearTimeout(this.pongTimer);
			this.pongDue = now + timeoutMs;
			const probe = timeoutMs < PONG_TIMEOUT_MS;
			this.pongTimer = setTimeout(() => {
				this.pongTimer = null;
				this.lost(null, probe);
			}, timeoutMs);
		}
		if (!this.pingTimer) this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
	}

	onPong(msg) {
		clearTimeout(this.pongTimer);
		this.pongTimer = null;
		const now = Date.now();
		if (typeof msg.t !== 'number' || typeof msg.server_time !== 'number') return;
		const rtt = now - msg.t;
		if (rtt < 0 || rtt > 60000) return;
		this.samples.push({ rtt, offset: msg.server_time + rtt / 2 - now });
		if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
	}

	/* Server clock minus device clock, in ms (0 until anything is known). */
	clockOffset() {
		if (this.samples.length) {
			let best = this.samples[0];
			for (const s of this.samples) if (s.rtt < best.rtt) best = s;
			return best.offset;
		}
		return this.roughOffset ?? 0;
	}

	/* The server's clock now, in Unix epoch ms. */
	serverNow() {
		return Date.now() + this.clockOffset();
	}
}
