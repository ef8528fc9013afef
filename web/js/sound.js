/*
 * sound.js - the big screen's sounds, synthesized in the browser with the
 * Web Audio API (no audio file is downloaded or bundled): a soft loop while
 * the lobby fills, a tick for each of the last five seconds of a question, a
 * horn when time is up, a chime at the reveal and a fanfare for the podium.
 *
 * Browsers let a page make sound only after a user gesture, so the
 * AudioContext is created (or resumed) on the first click, tap or key press
 * anywhere on the page (the sound button, the full-screen button...). The
 * mute switch is remembered in localStorage (`sa.sound` = "off"); muted, the
 * context is suspended and no note is scheduled at all. state is 'off'
 * (muted), 'locked' (waiting for a gesture) or 'on'.
 *
 * Each note is an oscillator through a gain envelope (and a low-pass filter
 * for brass), into one master gain; notes are scheduled on the audio clock,
 * the lobby loop a little ahead by a timer, so a busy main thread does not
 * make it stutter.
 */

const STORE_KEY = 'sa.sound';
const MASTER_GAIN = 0.6;
const LOOP_LOOKAHEAD_S = 0.4;
const LOOP_TIMER_MS = 150;
const EIGHTH_S = 0.3; /* 100 beats a minute */

/* Equal-tempered frequency of a MIDI note number (69 = A4 = 440 Hz). */
const hz = (midi) => 440 * 2 ** ((midi - 69) / 12);

/* The lobby loop: C, Am, F, G; each bar an arpeggio of eight eighths over a bass note. */
const LOOP_CHORDS = [[60, 64, 67], [57, 60, 64], [53, 57, 60], [55, 59, 62]];
const ARPEGGIO = [0, 1, 2, 3, 2, 1, 3, 2]; /* chord tone per eighth; 3 = root an octave up */

export class Sound {
	constructor() {
		this.ctx = null;
		this.master = null;
		this.muted = readMuted();
		this.wantLoop = false;
		this.loopTimer = null;
		this.loopStep = 0;
		this.loopNext = 0;
		this.listeners = new Set();
		/* any gesture unlocks, except on the sound switch itself, which decides (unlock or mute) */
		const unlock = (ev) => {
			if (!(ev.target instanceof Element && ev.target.closest('[data-sound-toggle]'))) this.unlock();
		};
		window.addEventListener('pointerdown', unlock, true);
		window.addEventListener('keydown', unlock, true);
	}

	get state() {
		if (this.muted) return 'off';
		return this.ctx && this.ctx.state === 'running' ? 'on' : 'locked';
	}

	onChange(fn) {
		this.listeners.add(fn);
	}

	changed() {
		for (const fn of this.listeners) fn(this.state);
	}

	/* Called from a user gesture: creates or resumes the audio context (unless muted). */
	unlock() {
		if (this.muted) return;
		if (!this.ctx) {
			const AC = window.AudioContext || window.webkitAudioContext;
			if (!AC) return;
			this.ctx = new AC();
			this.master = this.ctx.createGain();
			this.master.gain.value = MASTER_GAIN;
			this.master.connect(this.ctx.destination);
			this.ctx.addEventListener('statechange', () => {
				if (this.wantLoop) this.startLoop();
				this.changed();
			});
		}
		if (this.ctx.state === 'suspended') this.ctx.resume().catch(() => {});
		this.changed();
	}

	toggle() {
		this.setMuted(!this.muted);
	}

	setMuted(m) {
		this.muted = !!m;
		try {
			localStorage.setItem(STORE_KEY, this.muted ? 'off' : 'on');
		} catch (e) { /* private mode: muted for this page only */ }
		if (this.muted) {
			this.stopTimer();
			if (this.ctx && this.ctx.state === 'running') this.ctx.suspend().catch(() => {});
		} else {
			this.unlock();
			if (this.wantLoop) this.startLoop();
		}
		this.changed();
	}

	/* Whether a note can be heard now. */
	live() {
		return !this.muted && !!this.ctx && this.ctx.state === 'running';
	}

	/* One note: oscillator -> (low-pass) -> envelope -> master, starting at t0 (audio clock). */
	note(freq, t0, dur, { type = 'sine', gain = 0.2, attack = 0.01, cutoff = 0, detune = 0 } = {}) {
		const ctx = this.ctx;
		const osc = ctx.createOscillator();
		osc.type = type;
		osc.frequency.value = freq;
		osc.detune.value = detune;
		const env = ctx.createGain();
		env.gain.setValueAtTime(0.0001, t0);
		env.gain.linearRampToValueAtTime(gain, t0 + attack);
		env.gain.exponentialRampToValueAtTime(0.0001, t0 + dur);
		let out = osc;
		if (cutoff) {
			const f = ctx.createBiquadFilter();
			f.type = 'lowpass';
			f.frequency.value = cutoff;
			osc.connect(f);
			out = f;
		}
		out.connect(env);
		env.connect(this.master);
		osc.start(t0);
		osc.stop(t0 + dur + 0.05);
	}

	/* A tick of the last seconds: a short wood-block; the last second higher. */
	tick(secondsLeft) {
		if (!this.live()) return;
		const t0 = this.ctx.currentTime + 0.01;
		const f = secondsLeft <= 1 ? hz(93) : hz(86); /* A6 for the last second, D6 before */
		this.note(f, t0, 0.09, { gain: 0.35, attack: 0.002 });
		this.note(f * 2, t0, 0.04, { type: 'square', gain: 0.04, attack: 0.001 });
	}

	/* Time is up: a falling two-note horn. */
	timeUp() {
		if (!this.live()) return;
		const t0 = this.ctx.currentTime + 0.02;
		for (const d of [-8, 8]) {
			this.note(hz(67), t0, 0.22, { type: 'sawtooth', gain: 0.12, cutoff: 1400, detune: d });
			this.note(hz(60), t0 + 0.2, 0.75, { type: 'sawtooth', gain: 0.14, cutoff: 1100, detune: d });
		}
	}

	/* The answer is shown: a rising bell arpeggio. */
	reveal() {
		if (!this.live()) return;
		const t0 = this.ctx.currentTime + 0.02;
		[72, 76, 79, 84].forEach((m, i) => {
			this.note(hz(m), t0 + i * 0.09, 1.1, { type: 'triangle', gain: 0.2, attack: 0.005 });
			this.note(hz(m + 12), t0 + i * 0.09, 0.5, { gain: 0.05, attack: 0.005 });
		});
	}

	/* The podium: ta-ta-ta-taaa, then a held major chord. */
	fanfare() {
		if (!this.live()) return;
		const t0 = this.ctx.currentTime + 0.05;
		const brass = { type: 'sawtooth', gain: 0.13, cutoff: 2200, attack: 0.02 };
		[0, 0.15, 0.3].forEach((dt) => this.note(hz(67), t0 + dt, 0.13, brass));
		this.note(hz(72), t0 + 0.45, 0.4, brass);
		this.note(hz(76), t0 + 0.85, 0.2, brass);
		for (const m of [72, 76, 79, 84]) this.note(hz(m), t0 + 1.05, 1.8, { ...brass, gain: 0.1 });
		this.note(hz(48), t0 + 1.05, 1.8, { type: 'triangle', gain: 0.2 });
	}

	/* The lobby loop plays while wanted (and not muted). */
	lobby(on) {
		this.wantLoop = !!on;
		if (on) this.startLoop();
		else this.stopTimer();
	}

	startLoop() {
		if (this.loopTimer || !this.live()) return;
		this.loopNext = this.ctx.currentTime + 0.1;
		this.loopTimer = setInterval(() => this.scheduleLoop(), LOOP_TIMER_MS);
		this.scheduleLoop();
	}

	stopTimer() {
		clearInterval(this.loopTimer);
		this.loopTimer = null;
	}

	scheduleLoop() {
		if (!this.live()) {
			this.stopTimer();
			return;
		}
		while (this.loopNext < this.ctx.currentTime + LOOP_LOOKAHEAD_S) {
			const step = this.loopStep;
			const chord = LOOP_CHORDS[Math.floor(step / 8) % LOOP_CHORDS.length];
			const k = ARPEGGIO[step % 8];
			const midi = k === 3 ? chord[0] + 12 : chord[k];
			this.note(hz(midi), this.loopNext, EIGHTH_S * 1.6, { type: 'triangle', gain: 0.05, attack: 0.01 });
			if (step % 8 === 0) this.note(hz(chord[0] - 24), this.loopNext, EIGHTH_S * 7, { gain: 0.09, attack: 0.05 });
			this.loopStep = (step + 1) % (8 * LOOP_CHORDS.length);
			this.loopNext += EIGHTH_S;
		}
	}
}

function readMuted() {
	try {
		return localStorage.getItem(STORE_KEY) === 'off';
	} catch (e) {
		return false;
	}
}
