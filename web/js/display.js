/*
 * display.js - keeping the big screen on the TV: a full-screen button, a
 * screen wake lock (the hall PC must not dim or sleep during a contest), and
 * controls that step aside when nobody uses the mouse.
 *
 * Wake lock: navigator.wakeLock.request('screen') at start; the browser
 * releases the lock whenever the page is hidden (another window, a
 * minimized browser), so it is requested again on visibilitychange (and on
 * fullscreenchange). The API exists only in secure contexts: https, or the
 * page opened on localhost/127.0.0.1 on the hall PC itself. body[data-
 * wakelock] says how it went: on, released, unsupported or refused.
 */

import { t, onChange } from './i18n.js';

/* Holds a screen wake lock for as long as the page lives. */
export function keepAwake() {
	let sentinel = null;
	let pending = false;
	const set = (s) => { document.body.dataset.wakelock = s; };
	const acquire = async () => {
		if (!('wakeLock' in navigator)) {
			set('unsupported');
			return;
		}
		if ((sentinel && !sentinel.released) || pending || document.visibilityState !== 'visible') return;
		pending = true;
		try {
			const s = await navigator.wakeLock.request('screen');
			sentinel = s;
			set('on');
			s.addEventListener('release', () => {
				if (sentinel === s) sentinel = null;
				set('released');
			});
		} catch (e) {
			set('refused'); /* power saving, or a policy: the next visibility change tries again */
		} finally {
			pending = false;
		}
	};
	document.addEventListener('visibilitychange', acquire);
	document.addEventListener('fullscreenchange', acquire);
	acquire();
}

/* A button that enters and leaves full screen; hidden where full screen is not possible. */
export function fullscreenButton(btn) {
	if (!document.fullscreenEnabled) {
		btn.hidden = true;
		return;
	}
	const label = btn.querySelector('.label') || btn;
	const render = () => {
		const on = !!document.fullscreenElement;
		label.textContent = t(on ? 'screen.exit_fullscreen' : 'screen.fullscreen');
		btn.setAttribute('aria-pressed', String(on));
	};
	btn.addEventListener('click', () => {
		if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
		else document.documentElement.requestFullscreen().catch(() => {});
		btn.blur();
	});
	document.addEventListener('fullscreenchange', render);
	onChange(render);
	render();
}

/*
 * After ms without mouse or keyboard, body gets class "idle" (the CSS hides
 * the cursor and the controls that are not asking for attention); any
 * movement shows them again.
 */
export function idleAfter(ms) {
	let timer = null;
	const wake = () => {
		document.body.classList.remove('idle');
		clearTimeout(timer);
		timer = setTimeout(() => document.body.classList.add('idle'), ms);
	};
	for (const ev of ['pointermove', 'pointerdown', 'keydown']) window.addEventListener(ev, wake, { passive: true });
	wake();
}
