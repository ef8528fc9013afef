'use strict';
/*
 * tests/lib/png.js - PNG images made by the tests themselves (no image
 * library): sealPng(size) is a red ring with a diamond in the middle on a
 * transparent background, as a seal image (公章) of a certificate template
 * is uploaded (RGBA, 8 bits, one IDAT compressed by zlib, CRCs computed here).
 */
const zlib = require('node:zlib');

const CRC = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

/** sealPng(size) - the PNG bytes of a size x size seal on a transparent background. */
function sealPng(size = 240) {
	const stride = size * 4 + 1; /* a filter byte (0: none) per row */
	const raw = Buffer.alloc(size * stride);
	const c = size / 2;
	for (let y = 0; y < size; y++) {
		for (let x = 0; x < size; x++) {
			const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
			const diamond = Math.abs(x + 0.5 - c) + Math.abs(y + 0.5 - c) < size / 8;
			if ((d > size * 0.38 && d < size * 0.47) || diamond) raw.set([200, 20, 20, 255], y * stride + 1 + x * 4);
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(size, 0);
	ihdr.writeUInt32BE(size, 4);
	ihdr.set([8, 6, 0, 0, 0], 8); /* 8 bits, RGBA, deflate, no filter method, no interlace */
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

module.exports = { sealPng, crc32 };
