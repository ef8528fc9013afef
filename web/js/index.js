/*
 * index.js - the landing page (index.html): enter a contest code and go to
 * the player page; the host and screen links carry the code once typed.
 */

import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { $, codeFromUrl } from './dom.js';

function code() {
	return $('#code-form').code.value.trim().toUpperCase();
}

function updateLinks() {
	const c = code();
	const q = c ? `?code=${encodeURIComponent(c)}` : '';
	$('#host-link').href = `host.html${q}`;
	$('#screen-link').href = `screen.html${q}`;
}

async function main() {
	await i18n.init();
	const f = $('#code-form');
	f.code.value = codeFromUrl();
	updateLinks();
	f.code.addEventListener('input', updateLinks);
	f.addEventListener('submit', (ev) => {
		ev.preventDefault();
		const c = code();
		const err = $('#code-error');
		if (!c) {
			err.hidden = false;
			err.textContent = t('index.err_code');
			return;
		}
		location.href = `player.html?code=${encodeURIComponent(c)}`;
	});
}

main();
