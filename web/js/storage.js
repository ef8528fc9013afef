/*
 * storage.js - localStorage as JSON, never throwing (storage full, private
 * mode, a value another version wrote): the pages keep tokens, the device
 * key, the player's profile and unsaved work here, and go on without it.
 */

export const store = {
	get(k) {
		try { return JSON.parse(localStorage.getItem(k)); } catch (e) { return null; }
	},
	set(k, v) {
		try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* storage full or private mode */ }
	},
	del(k) {
		try { localStorage.removeItem(k); } catch (e) { /* ignore */ }
	},
};
