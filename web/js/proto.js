/*
 * proto.js - the one SkillArena protocol client (docs/protocol.md), shared by
 * the player, host and screen pages.
 *
 * One WebSocket to ws(s)://<location.host>/ws with subprotocol skillarena.v1,
 * one JSON object per text frame. The client:
 *   - reconnects by itself with jittered backoff (0.5 s, 1 s, 2 s ... 10 s),
 *     and at once when the page becomes visible again or the network returns;
 *   - pings every 15 s; a missing pong means a dead link (common on factory
 *     Wi-Fi: the socket looks open but nothing arrives), so it reconnects;
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
 * message type, plus 'status' ('connecting' | 'open' | 'reconnecting'),
 * 'close' ({code, reason} of the server's close frame, or null), 'replaced'
 * and '*' for every message.
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
const PING_EVERY_MS = 15000;
const PONG_TIMEOUT_MS = 8000;
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
		this.isReady = false;
		this.hello = null;
		this.queue = new Map();    /* rid -> {msg, resolve, timer} (reliable) */
		this.requests = new Map(); /* rid -> {resolve, timer} (one-shot) */
		this.samples = [];         /* [{rtt, offset}] from pongs */
		this.roughOffset = null;   /* from server_time, before any pong */
		this.pingTimer = null;
		this.pongTimer = null;
		this.retryTimer = null;
		this.helloTimer = null;
		this.onVisible = () => {
			if (document.visibilityState === 'visible') this.wake();
		};
		this.onOnline = () => this.wake();
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
		this.connect();
	}

	stop() {
		this.stopped = true;
		document.removeEventListener('visibilitychange', this.onVisible);
		window.removeEventListener('online', this.onOnline);
		clearTimeout(this.retryTimer);
		this.drop();
	}

	setStatus(status) {
		if (this.status === status) return;
		this.status = status;
		this.emit('status', status);
	}

	connect() {
		clearTimeout(this.retryTimer);
		this.retryTimer = null;
		this.dormant = false;
		this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
		let ws;
		try {
			ws = new WebSocket(this.url, SUBPROTOCOL);
		} catch (e) {
			this.scheduleReconnect();
			return;
		}
		this.ws = ws;
		ws.onopen = () => {
			this.everOpened = true;
			this.setStatus('open');
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
		clearInterval(this.pingTimer);
		clearTimeout(this.pongTimer);
		this.pingTimer = this.pongTimer = null;
		if (ws) {
			ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
			try {
				ws.close();
			} catch (e) { /* already closed */ }
		}
	}

	/* The connection is gone: fail one-shot requests, keep the queue, reconnect
	 * (or not: closed as replaced or idle, see the top of this file). */
	lost(closed = null) {
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
		} else if (!this.stopped) {
			this.scheduleReconnect(code === CLOSE_TOO_MANY ? TOO_MANY_PAUSE_MS : 0);
		}
	}

	scheduleReconnect(atLeastMs = 0) {
		this.setStatus(this.everOpened ? 'reconnecting' : 'connecting');
		const base = Math.max(atLeastMs, BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]);
		this.attempt += 1;
		const delay = base * (0.8 + Math.random() * 0.4);
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => this.connect(), delay);
	}

	/* Page visible again, network back, or the page has something to say:
	 * check the link now instead of waiting (and reconnect a dormant client). */
	wake() {
		if (this.stopped) return;
		if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ping();
		else if (this.retryTimer || this.dormant) this.connect();
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
	}

	/*
	 * A request that must arrive (an answer): sent now or once ready, resent
	 * with the same rid every few seconds and after each reconnect until a reply
	 * with its rid comes (ack, or an error that is not retryable). Resolves with
	 * that reply.
	 */
	reliable(msg) {
		if (!msg.rid) msg.rid = newRid('a');
		return new Promise((resolve) => {
			this.queue.set(msg.rid, { msg, resolve, timer: null });
			if (this.isReady) this.transmit(msg.rid);
		});
	}

	/* Drops a queued request (its promise never resolves). */
	cancel(rid) {
		const q = this.queue.get(rid);
		if (!q) return;
		clearTimeout(q.timer);
		this.queue.delete(rid);
	}

	transmit(rid) {
		const q = this.queue.get(rid);
		if (!q) return;
		clearTimeout(q.timer);
		if (this.isReady) this.send(q.msg);
		q.timer = setTimeout(() => this.transmit(rid), RESEND_AFTER_MS);
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
			this.queue.delete(rid);
			q.resolve(msg);
		}
	}

	ping() {
		if (!this.isOpen()) return;
		this.send({ type: 'ping', t: Date.now() });
		if (!this.pongTimer) {
			this.pongTimer = setTimeout(() => {
				this.pongTimer = null;
				this.lost(); /* no pong: the link is dead even if the socket says open */
			}, PONG_TIMEOUT_MS);
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
