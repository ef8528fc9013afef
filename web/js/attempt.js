/*
 * attempt.js - one exam or mass attempt on the phone: its paper, the answers
 * as the participant left them, their flags, and how much of it the server
 * has stored (docs/protocol.md, "Self-paced modes").
 *
 * Every change of an answer is a `save` with the question's change number,
 * one more at each change. It goes through the client's reliable queue
 * (resent with its rid every few seconds and after every reconnect, also on
 * `unavailable`) until `saved` comes back, which the server sends only after
 * PostgreSQL committed the change; a later change of the same question
 * replaces the one still on its way (the server keeps the highest number
 * anyway). A question is "saved" only when the server acknowledged its
 * latest change, "saving" while one is on its way: the page says exactly
 * that, never more.
 *
 * Unsaved work survives a reload: every answer and flag not yet
 * acknowledged is kept in localStorage (sa.exam.<CODE>) with its change
 * number; when the paper comes back (`attempt` with resumed: true and the
 * answers the server holds), a local change with a higher number than the
 * server's is sent again, and the next change continues after the higher of
 * the two. The position (the question on screen) is kept there too.
 */

import { newRid } from './proto.js';
import { store } from './storage.js';

/* `conflict` (this change number holds another response): take the next number, this often at most. */
const MAX_CONFLICTS = 3;
/* Replies after which the attempt is over for the server. */
const CLOSED = new Set(['attempt_closed', 'question_closed']);
/*
 * not_found: the connection does not hold the attempt (yet): a save that
 * overtook `attempts` on a new connection. The change stays pending; the
 * page asks for `attempts` (onLost), and resend() sends it again once the
 * server lists the attempt as open (or the page learns it ended).
 */
const LOST = 'not_found';

export const answered = (r) => r !== null && r !== undefined;

export class Attempt {
	/*
	 * msg: the `attempt` reply. opts: client (proto.js), key (localStorage
	 * key of this contest's unsaved work), onChange() after any change of
	 * state, onClosed(reply) when the server says the attempt is over,
	 * onLost() when it says this connection does not hold it (not_found).
	 */
	constructor(msg, { client, key, onChange, onClosed, onLost }) {
		this.client = client;
		this.key = key;
		this.onChange = onChange;
		this.onClosed = onClosed;
		this.onLost = onLost;
		this.lostFlags = new Map(); /* index -> flagged: flag changes refused as not_found, to send again */
		this.id = msg.attempt_id;
		this.answers = [];   /* index -> {response, change, saved, rid, error, conflicts} */
		this.flags = new Set();
		this.flagSends = new Map(); /* index -> {flagged, rid}: flag changes on their way */
		this.cur = 0;
		this.closed = null;
		this.load(msg);
	}

	/* Takes the paper and what the server holds; sends again what only this phone has. */
	load(msg) {
		this.no = msg.attempt_no;
		this.started = msg.started;
		this.deadline = msg.deadline;
		this.questions = Array.isArray(msg.questions) ? msg.questions : [];
		this.count = this.questions.length || msg.count || 0;
		for (const a of Array.isArray(msg.answers) ? msg.answers : []) {
			if (!Number.isInteger(a.index) || a.index < 0 || a.index >= this.count) continue;
			const mine = this.answers[a.index];
			if (mine && mine.change > a.change) continue;
			this.answers[a.index] = { response: a.response ?? null, change: a.change | 0, saved: a.change | 0, rid: null, error: null, conflicts: 0 };
		}
		this.flags = new Set((Array.isArray(msg.flags) ? msg.flags : []).filter(Number.isInteger));
		const kept = store.get(this.key);
		if (kept && kept.id === this.id) {
			if (Number.isInteger(kept.cur) && kept.cur >= 0 && kept.cur < this.count) this.cur = kept.cur;
			for (const [k, l] of Object.entries(kept.answers || {})) {
				const i = Number(k);
				const have = this.answers[i];
				if (!l || !Number.isInteger(i) || i >= this.count || (have && have.change >= l.change)) continue;
				this.answers[i] = { response: l.response ?? null, change: l.change | 0, saved: have ? have.saved : 0, rid: null, error: null, conflicts: 0 };
			}
			for (const [k, flagged] of Object.entries(kept.flags || {})) this.sendFlag(Number(k), !!flagged);
		}
		this.answers.forEach((a, i) => {
			if (a && a.change > a.saved && !a.rid) this.send(i);
		});
		this.persist();
	}

	question(i) {
		return this.questions[i];
	}

	response(i) {
		const a = this.answers[i];
		return a ? a.response : null;
	}

	isAnswered(i) {
		return answered(this.response(i));
	}

	isFlagged(i) {
		const f = this.flagSends.get(i);
		if (f) return f.flagged;
		if (this.lostFlags.has(i)) return this.lostFlags.get(i);
		return this.flags.has(i);
	}

	/* 'none' (never touched), 'saving', 'saved' (the latest change is stored), 'error' (refused). */
	state(i) {
		const a = this.answers[i];
		if (!a) return 'none';
		if (a.error) return 'error';
		if (a.rid || a.change > a.saved) return 'saving';
		return 'saved';
	}

	error(i) {
		const a = this.answers[i];
		return a ? a.error : null;
	}

	answeredCount() {
		let n = 0;
		for (let i = 0; i < this.count; i++) if (this.isAnswered(i)) n++;
		return n;
	}

	/* Changes (answers and flags) not yet acknowledged by the server. */
	pending() {
		let n = this.flagSends.size + this.lostFlags.size;
		for (const a of this.answers) if (a && (a.rid || a.change > a.saved)) n++;
		return n;
	}

	unanswered() {
		const out = [];
		for (let i = 0; i < this.count; i++) if (!this.isAnswered(i)) out.push(i);
		return out;
	}

	flagged() {
		const out = [];
		for (let i = 0; i < this.count; i++) if (this.isFlagged(i)) out.push(i);
		return out;
	}

	setCur(i) {
		this.cur = Math.max(0, Math.min(this.count - 1, i));
		this.persist();
	}

	/* The participant changed question i's answer (null: cleared). */
	save(i, response) {
		if (this.closed || i < 0 || i >= this.count) return;
		const a = this.answers[i] || (this.answers[i] = { response: null, change: 0, saved: 0, rid: null, error: null, conflicts: 0 });
		a.response = answered(response) ? response : null;
		a.change += 1;
		a.error = null;
		this.send(i);
		this.persist();
		this.onChange();
	}

	send(i) {
		const a = this.answers[i];
		if (a.rid) this.client.cancel(a.rid); /* replaced by this change */
		const msg = { type: 'save', rid: newRid('v'), attempt_id: this.id, index: i, response: a.response, change: a.change };
		a.rid = msg.rid;
		this.client.reliable(msg).then((reply) => this.onSaved(i, msg, reply));
	}

	onSaved(i, msg, reply) {
		const a = this.answers[i];
		if (!a || a.rid !== msg.rid) return; /* a later change replaced it */
		a.rid = null;
		if (reply.type === 'saved') {
			a.saved = Math.max(a.saved, msg.change);
			if (Number.isInteger(reply.current) && reply.current > a.change) a.change = reply.current;
		} else if (reply.code === 'conflict' && a.conflicts < MAX_CONFLICTS) {
			/* this number was stored with another response (an older page of this attempt): the next one */
			a.conflicts += 1;
			a.change += 1;
			this.send(i);
		} else if (CLOSED.has(reply.code)) {
			a.error = reply;
			this.close(reply);
		} else if (reply.code === LOST) {
			this.onLost(); /* still pending: resend() */
		} else {
			a.error = reply;
		}
		this.persist();
		this.onChange();
	}

	/* Sends again every change and flag the server refused as not held by this connection. */
	resend() {
		if (this.closed) return;
		this.answers.forEach((a, i) => {
			if (a && !a.rid && !a.error && a.change > a.saved) this.send(i);
		});
		for (const [i, flagged] of this.lostFlags) this.sendFlag(i, flagged);
		this.lostFlags.clear();
	}

	/* The participant flagged (or unflagged) question i for review. */
	setFlag(i, flagged) {
		if (this.closed || i < 0 || i >= this.count) return;
		this.sendFlag(i, flagged);
		this.persist();
		this.onChange();
	}

	sendFlag(i, flagged) {
		if (!Number.isInteger(i) || i < 0 || i >= this.count) return;
		const before = this.flagSends.get(i);
		if (before) this.client.cancel(before.rid);
		const msg = { type: 'flag', rid: newRid('f'), attempt_id: this.id, index: i, flagged };
		const f = { flagged, rid: msg.rid };
		this.flagSends.set(i, f);
		this.client.reliable(msg).then((reply) => {
			if (this.flagSends.get(i) !== f) return;
			this.flagSends.delete(i);
			if (reply.code === LOST) {
				this.lostFlags.set(i, flagged);
				this.onLost();
			} else if (reply.type === 'flagged') {
				if (Array.isArray(reply.flags)) this.flags = new Set(reply.flags.filter(Number.isInteger));
				else if (flagged) this.flags.add(i);
				else this.flags.delete(i);
			} else if (CLOSED.has(reply.code)) {
				this.close(reply);
			}
			this.persist();
			this.onChange();
		});
	}

	close(reply) {
		if (this.closed) return;
		this.closed = reply;
		this.onClosed(reply);
	}

	/* Keeps what the server has not acknowledged, and the position, for a reload. */
	persist() {
		if (this.dropped) return;
		const answers = {};
		this.answers.forEach((a, i) => {
			if (a && a.change > a.saved) answers[i] = { response: a.response, change: a.change };
		});
		const flags = {};
		for (const [i, flagged] of this.lostFlags) flags[i] = flagged;
		for (const [i, f] of this.flagSends) flags[i] = f.flagged;
		store.set(this.key, { id: this.id, cur: this.cur, answers, flags });
	}

	/* The attempt is over (or replaced): nothing more is sent, nothing kept. */
	drop() {
		for (const a of this.answers) if (a && a.rid) this.client.cancel(a.rid);
		for (const f of this.flagSends.values()) this.client.cancel(f.rid);
		this.flagSends.clear();
		this.lostFlags.clear();
		this.dropped = true;
		store.del(this.key);
	}
}
