/*
 * certkey.h - this process's certificate signing key (certkey.c).
 *
 * At start (serve, before the loop; blocking): the private key of
 * --cert-key-file is read, or made when the file does not exist (--cert-alg,
 * ES256 by default; written mode 0600 through a temporary file linked into
 * place, so that two processes starting at once end with the same key), and
 * its public JWK is stored in signing_keys, from which every process of every
 * machine serves and verifies. Without --cert-key-file the process signs
 * nothing (issuing answers `unavailable`) but still verifies and serves the
 * stored keys.
 *
 * The key and the template are read-only once open: pool threads share them
 * (certs.h: a certs_key and a certs_template may be shared by threads).
 */
#ifndef SKILLARENA_STORE_CERTKEY_H
#define SKILLARENA_STORE_CERTKEY_H

#include "certs.h"
#include "core/arena.h"

/* 0, or SA_E_INVALID_FIELD / SA_E_UNAVAILABLE / SA_E_INTERNAL (logged). */
int certkey_open(arena *a);
void certkey_close(arena *a);
/* The signing key, NULL when none is configured. */
const certs_key *certkey_key(const arena *a);
/* The key of path: read (a private key in a regular file that other users can neither read nor
 * change), or made with alg (CERTS_ALG_*) when the file does not exist, through PATH.PID.tmp
 * linked to PATH (whoever links first wins; the others read its key). 0 with *out (freed with
 * certs_key_free), or SA_E_INVALID_FIELD (logged). certkey_open's first step. */
int certkey_file(const char *path, int alg, certs_key **out);
/* The certificate template (the library's default). */
const certs_template *certkey_template(const arena *a);

#endif
