/*
 * countdown.js - a question countdown on the server's clock.
 *
 * The remaining time is deadline - client.serverNow(): the deadline comes
 * from the server (`question`/`state`), and serverNow() corrects the device
 * clock by the offset proto.js measured, so a phone whose clock is minutes
 * off still counts down right. It writes whole seconds into its element (or
 * what opts.format makes of the milliseconds left: an exam's "59:12"), sets
 * --frac (1 -> 0) on it for bars and rings, data-urgent in the last
 * opts.urgentMs (5 s), and calls onZero once when time is up.
 */

const TICK_MS = 100;

export class Countdown {
	constructor(el, client, { onZero = null, onTick = null, format = null, urgentMs = 5000 } = {}) {
		this.el = el;
		this.format = format || ((ms) => String(Math.ceil(ms / 1000)));
		this.urgentMs = urgentMs;
		this.client = client;
		this.onZero = onZero;
		this.onTick = onTick;
		this.deadline = null;
		this.limit = 0;
		this.timer = null;
		this.zeroed = false;
	}

	/* Counts down to deadline (server epoch ms); limitMs scales --frac. */
	set(deadline, limitMs) {
		if (typeof deadline !== 'number') {
			this.stop();
			return;
		}
		if (deadline !== this.deadline) this.zeroed = false;
		this.deadline = deadline;
		this.limit = limitMs > 0 ? limitMs : 0;
		if (!this.timer) this.timer = setInterval(() => this.tick(), TICK_MS);
		this.tick();
	}

	/* Milliseconds left (0 when over or unset). */
	remaining() {
		if (this.deadline === null) return 0;
		const ms = Math.max(0, this.deadline - this.client.serverNow());
		/* an offset estimate a few ms off must not show 21 s of a 20 s question */
		return this.limit ? Math.min(ms, this.limit) : ms;
	}

	tick() {
		const ms = this.remaining();
		const text = this.format(ms);
		if (this.el.textContent !== text) this.el.textContent = text;
		const frac = this.limit ? Math.min(1, ms / this.limit) : (ms > 0 ? 1 : 0);
		this.el.style.setProperty('--frac', frac.toFixed(4));
		this.el.toggleAttribute('data-urgent', ms > 0 && ms <= this.urgentMs);
		if (this.onTick) this.onTick(ms, frac);
		if (ms === 0) {
			clearInterval(this.timer);
			this.timer = null;
			if (!this.zeroed) {
				this.zeroed = true;
				if (this.onZero) this.onZero();
			}
		}
	}

	/* Stops and shows nothing. */
	stop() {
		clearInterval(this.timer);
		this.timer = null;
		this.deadline = null;
		this.el.textContent = '';
		this.el.style.setProperty('--frac', '0');
		this.el.removeAttribute('data-urgent');
	}
}
