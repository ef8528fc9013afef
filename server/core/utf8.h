/*
 * utf8.h - UTF-8 as the server receives, stores and sends it (utf8.c): strict
 * decoding (no overlongs, surrogates or code points above U+10FFFF), cutting
 * at a character boundary, and a repaired copy of text another process or a
 * store handed us. Pure functions: no I/O, no globals.
 */
#ifndef SKILLARENA_CORE_UTF8_H
#define SKILLARENA_CORE_UTF8_H

#include <stddef.h>

/* Decodes the code point at s (len bytes available): its length in bytes
 * (1-4) with *cp set, or -1 when s does not start a valid sequence. */
int utf8_decode(const unsigned char *s, size_t len, unsigned *cp);
/* 1 if s[0..len) is valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t len);
/* The number of code points of valid UTF-8; -1 when s is not valid UTF-8. */
long utf8_count(const char *s, size_t len);
/* len without the last character when s[0..len) ends inside it (a copy cut
 * at len bytes): what a bounded copy may keep without cutting a character. */
size_t utf8_cut(const char *s, size_t len);
/* A NUL-terminated malloc'ed copy of s[0..len) in which every byte that does not
 * belong to a valid sequence (and every NUL) is replaced by U+FFFD; NULL when
 * out of memory. The caller frees it. */
char *utf8_repair(const char *s, size_t len);

#endif
