/*
 * certcli.h - `skillarena verify FILE|ID...` (certcli.c): a certificate
 * checked without a running server, from a PDF (the JWS in its metadata), a
 * .jws/.jwt file (the certificate JWS or the OB 3.0 VC-JWT) or an id (its
 * stored JWS): the signature against the issuer's keys, then revocation.
 *
 *   keys         --jwks FILE (a JWK Set, as GET /.well-known/jwks.json
 *                serves it, or a PEM public key), else signing_keys (--pg)
 *   revocation   the certificates table (--pg) whenever the database is
 *                used (no --jwks, or an ID is given); with --jwks and files
 *                only the database is not contacted and the line says
 *                "revocation not checked"
 *
 * One line per argument: "ARG: valid ID NAME / AWARD / CONTEST",
 * "ARG: revoked ID: REASON", "ARG: invalid: NAME: MESSAGE (DETAIL)",
 * "ARG: unknown: ...". Exit status: 0 every argument valid, 1 one is not
 * (invalid, revoked or unknown), 2 usage, 3 the database or the key file
 * could not be read.
 */
#ifndef SKILLARENA_STORE_CERTCLI_H
#define SKILLARENA_STORE_CERTCLI_H

int certcli_verify(const char *conninfo, int argc, char **argv);

#endif
