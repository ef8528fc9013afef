/*
 * arena.h - the server's one context (struct arena), passed explicitly to
 * every module; and the map of server/.
 *
 * THE MAP. Subsystems are folders; within each the data path reads top to
 * bottom. Every module has its header declaring exactly what it exports.
 *
 *   main.c            the command table (serve, migrate, load, reset, archive, delete, types, routes,
 *                     messages, user, config-doc; each with its --help) and serve's start
 *   serve.[ch]        serve's loop: the subsystems opened from a table, stopped (those tried), signals
 *   core/             what every subsystem uses; depends on nothing else in server/
 *     arena.h         this context and this map
 *     clock.[ch]      the server clock (epoch ms, shared by processes) and a monotonic one
 *     config.[ch]     the option table: defaults, file, environment, argv, --help, docs
 *     log.[ch]        levelled log lines
 *     err.[ch]        error codes -> protocol names -> zh-CN / English text, HTTP status
 *     auth.[ch]       random tokens, SHA-256, constant-time comparison; credentials (cookie, bearer),
 *                     the principal, the access decision, auth_check (through the arena's auth_ops)
 *     password.[ch]   Argon2id password hashes on libuv's thread pool; the rules of a password
 *     prompt.[ch]     a secret from the terminal without echo, or stdin (the user command)
 *     utf8.[ch]       strict UTF-8: decode, count, cut at a character boundary, repair
 *     limit.[ch]      rate limits: token buckets, a bounded table of them per client address (WebSocket, HTTP)
 *     num.[ch]        strict numbers from text another process wrote (PostgreSQL, Redis)
 *     coalesce.[ch]   one computation per key at a time, its result shared and kept a while
 *     rtoken.[ch]     records tokens: HMAC-SHA256 of an employee number under the records secret
 *     httpc.[ch]      a blocking HTTP/1.1 POST with timeouts, for the thread pool (the xAPI sender)
 *   net/              bytes in and out; knows connections, not contests
 *     listen.[ch]     our own listening socket (SO_REUSEPORT), accepted sockets handed to lws
 *     frame.[ch]      shared reference-counted output frames, packing several into one write
 *     ws.[ch]         WebSocket connections: assemble input, bounded output ring, write when writeable
 *     msg.[ch]        frame -> validated message -> handler (the message table)
 *     gate.[ch]       HTTP options; what every request passes first: framing, sizes, upgrades, security headers
 *     route.[ch]      the HTTP route table: rows {method, pattern, handler, access, body}, matching, checks
 *     header.[ch]     header values: Content-Length, Origin, the public URL, CSP sources, Content-Disposition
 *     http.[ch]       requests through the route table to api/, and their replies (static files: the lws mount)
 *   live/             contests being played on this process
 *     phase.[ch]      the live state and the names of its phases
 *     run.[ch]        a contest's runtime: new, add, attach, find by code, free
 *     validate.[ch]   pure checks of the fields players and hosts send
 *     player.[ch]     join, resume (a known employee number continues only from its device)
 *     session.[ch]    one live connection per participant (all processes); `release`
 *     answer.[ch]     dedupe -> deadline -> score -> group commit -> leaderboard -> ack
 *     host.[ch]       the host role; start, next, reveal, end as rows {allowed phases, next state}
 *     screen.[ch]     the screen role (watch) and the welcome screens and hosts get
 *     live.[ch]       the state machine: apply a state, server-clock deadlines, state/question/reveal
 *     members.[ch]    who is in each contest: the member list, players by participant id
 *     fanout.[ch]     one push to every member, a chunk per loop iteration, order kept per member
 *     board.[ch]      top N (Redis, PostgreSQL fallback), leaderboard and stats frames, ranks, units
 *     tick.[ch]       the coalescing tick: counts and top N pushed when changed
 *     events.[ch]     events from the other processes, through a table of event types
 *     sync.[ch]       the periodic read of the contests table: load, retire, reset, missed states
 *     load.[ch]       contests stored, uploaded, found by the read (off the loop); retired
 *     rebuild.[ch]    a contest's Redis keys rebuilt from PostgreSQL, known by their identity
 *     paper.[ch]      self-paced modes: the question pool, a participant's paper (draw, store, serve)
 *     selfpaced.[ch]  the player's self-paced state on its connection; shared field helpers
 *     attempt.[ch]    exam, mass: attempt_start (one in progress, limits), `attempts`, the player's state
 *     save.[ch]       save (every change once, group commit), flag, review
 *     result.[ch]     submit, the end of an attempt (exactly once), `result`, Redis after it
 *     sweep.[ch]      the deadline sweeper (claims expired attempts in PostgreSQL), the test clock
 *     practice.[ch]   practice: sessions, feedback, the wrong-answer notebook, progress
 *     mass.[ch]       boards of exam and mass contests: day boards in Redis, `mass_board`
 *     rollup.[ch]     units: participation rate and average, rolled up the unit tree (thread pool)
 *   api/              the JSON API: a route table per resource and its handlers (api.c lists them)
 *     request.[ch]    what handlers share: errors naming their field, body fields, ids, JSON cells
 *     health.c        /healthz
 *     contests.c      contest information, leaderboard, units, QR code, uploads
 *     scoring.c       the question types
 *     boards.c        boards of exam and mass contests; who of a unit has not taken part
 *     session.c       login, logout, logout-all, me, one's own password
 *     accounts.c      accounts, for admins (the last admin stays)
 *     tokens.c        API tokens: made once, listed, revoked
 *     audit.c         reading the audit log: JSON pages and CSV
 *     records.c       training records: my records by token, a unit's ledger, exports as jobs
 *     certificates.c  issuing (a job), the list, revoking (organizers)
 *     certverify.c    public: verdicts, PDF and OB 3.0 downloads, a JWS verified, the JWKS, /verify/ID
 *     certtemplate.c  a contest's certificate template, its seal and a preview PDF (organizers)
 *   store/            PostgreSQL and Redis; knows contests only as data
 *     store.[ch]      PostgreSQL pool, non-blocking, prepared statements
 *     commit.[ch]     group commit: a queue of rows, ONE statement per batch (answers, joins)
 *     pgarr.[ch]      PostgreSQL array literals: a batch as a few parameters of one statement
 *     migrate.[ch]    blocking work: migrations (sql/NNN_*.sql), contest upserts and reads;
 *                     the check that the audit log is append-only for our role
 *     admin.[ch]      blocking: archive, delete, reset (the command line)
 *     principal.[ch]  who is asking: sessions, API tokens, grants (the arena's auth_ops)
 *     audit.[ch]      the audit log: audit_write (group-committed), audit_query
 *     users.[ch]      blocking account work of the user command (first admin, passwd, list)
 *     banks.[ch]      blocking: the console's banks as native JSON, the copies a published
 *                     contest keeps, imports in one transaction (thread pool)
 *     jobs.[ch]       console jobs (imports): a row each, work on the thread pool, progress polled
 *     records.[ch]    blocking: the ledger and participation by unit streamed into XLSX/CSV (thread pool)
 *     xapi.[ch]       the xAPI sender: outbox rows built, posted to the LRS in batches, backed off
 *     certkey.[ch]    the certificate signing key: read or made at start, its public JWK in signing_keys
 *     certrows.[ch]   the final ranking certificates come from (the one seam: releases or contest_results)
 *     certissue.[ch]  issuing: records, the certs library's bulk signing, COPY (thread pool)
 *     certcli.[ch]    skillarena verify FILE|ID: a certificate checked offline
 *     certtpl.[ch]    a contest's certificate template as stored, by version (thread pool)
 *     lb.[ch]         Redis: connections, keys, sorted-set encoding, the event channel
 *     redis_uv.[ch]   hiredis on the libuv loop, one write per loop iteration
 *   sql/              numbered migrations; sql/admin/: what a PostgreSQL administrator runs (audit-owner.sql)
 *
 * Dependencies (tools/deps.sh reads them from the objects; no cycle): core/
 * uses nothing else in server/; store/ uses core/ (and live/phase for the
 * phase names it stores); net/ uses core/, and only its message dispatcher
 * (msg.c) calls into live/ and store/, for what it routes to; net/http.c
 * asks who is asking through core/auth.h's auth_check, which calls the
 * arena's auth_ops (store/principal.c, set by main.c): a hook like
 * lb_channel, so that net/ never calls store/ and runs without it (unit
 * tests, fuzzing: the organizer token alone); live/ uses all
 * three; api/ uses net/http.h to answer and live/ and store/ for the data. The
 * one circle is receive -> dispatch -> send: net/ws.c hands a
 * message to net/msg.c, whose table calls a handler in live/, which sends
 * through net/ws.c.
 *
 * Growing (docs/architecture.md): console routes go to api/<resource>.c as
 * rows of its route table (net/route.h); accounts: hashing in core/password.c,
 * credentials and the decision in core/auth.c, who is asking in
 * store/principal.c, the audit log in store/audit.c (audit_write, for every
 * module that acts for a person), routes in api/session.c, accounts.c,
 * tokens.c, audit.c; judges' marks and self-paced play to live/, their
 * writes through store/commit.c. Code that needs no server (certificates,
 * exports, sheets) is a library beside scoring/ and contests/.
 *
 * Names. A module's public names begin with its name (store_query, lb_key,
 * board_fetch_top), or with the name of the struct it owns (conn_* in
 * net/ws.c, frame_*, run_*); file-local helpers are static. Two words are
 * shared by everyone: sa_log and now_ms/now_us. Lifecycles use one pair of
 * words per kind of thing:
 *   X_new / X_free        an object allocated for its caller (run_new)
 *   X_ref / X_unref       a shared object; the last unref frees (conn, frame)
 *   X_init / X_release    a struct in its caller's memory (config, pgarr)
 *   X_open / X_close      a service of the arena or the process, with its
 *                         handles on the loop (store, lb, listen, commit,
 *                         answer, player, fanout, tick, auth, gate)
 *   X_attach / X_detach   a thing joining / leaving the serving loop (run)
 *   X_add / X_remove      membership in a collection (run_add, members_*)
 * Functions return 0 or a negative SA_E_* code (core/err.h); lws callbacks
 * keep lws' own convention.
 *
 * Ownership: the arena owns every conn (net/ws.h) and holds a reference to
 * every crun it serves (contest runtime, live/run.h: reference counted, as
 * queries, connections and timers hold them too); frames are reference
 * counted and shared by all recipients (net/frame.h).
 */
#ifndef SKILLARENA_CORE_ARENA_H
#define SKILLARENA_CORE_ARENA_H

#include <stdint.h>

#include <uv.h>

#include "core/config.h"

struct auth_ops;
struct certkey;
struct coalesce;
struct commit_queue;
struct crun;
struct gate;
struct jobs;
struct xapi;
struct lb;
struct limit_table;
struct listener;
struct loads;
struct lws_context;
struct password_queue;
struct score_engine;
struct store;
struct sync;
struct sweeper;

typedef struct arena {
	sa_config cfg;
	uv_loop_t *loop;
	struct lws_context *lws;
	struct score_engine *eng;
	struct crun **runs;
	int nruns;
	uint64_t next_conn_id;
	int stopping;

	struct store *store;
	struct lb *lb;
	struct commit_queue *answers;  /* group commits (store/commit.h): live/answer.c */
	struct commit_queue *joins;    /* ... and live/player.c */
	struct commit_queue *saves;    /* ... live/save.c (self-paced attempts) */
	struct commit_queue *flags;    /* ... live/save.c (flags for review) */
	struct commit_queue *starts;   /* ... live/attempt.c (attempts started) */
	struct commit_queue *papers;   /* ... live/attempt.c (their papers) */
	struct commit_queue *lists;    /* ... live/attempt.c (attempt summaries: reads) */
	struct commit_queue *practice; /* ... live/practice.c */
	struct sweeper *sweeper;       /* live/sweep.c */
	struct listener *listener;
	struct limit_table *limits;       /* per client address (core/limit.h; net/ws.c owns it) */
	struct gate *gate;                /* the HTTP options and checks (net/gate.h) */
	struct sync *sync;                /* following PostgreSQL's contests table (live/sync.c) */
	struct loads *loads;              /* contests being loaded, and those that failed (live/load.c) */
	const struct auth_ops *auth;      /* who is asking (store/principal.c; core/auth.h) */
	struct password_queue *passwords; /* Argon2 on the thread pool (core/password.h) */
	struct commit_queue *audit;       /* the audit log's group commit (store/audit.c) */
	struct jobs *jobs;                /* console jobs on the thread pool (store/jobs.c) */
	struct xapi *xapi;                /* the xAPI sender (store/xapi.c); NULL without --lrs-url */
	struct coalesce *coalesce;        /* the console's shared heavy reads (core/coalesce.c) */
	struct certkey *certkey;          /* the certificate signing key (store/certkey.c) */

	uv_timer_t tick;
	uv_idle_t fanout; /* continues fan-outs between rounds of input (live/fanout.c) */
	uv_signal_t sigint, sigterm;
	uv_timer_t drain;
	int64_t stop_ms;
	int64_t seat_clock;      /* latest seat time seen, ours or announced (live/session.c) */
	int64_t answers_pending; /* answers (live, saves, practice) received and not yet acknowledged or refused */

	int64_t nconns;
	int64_t stat_answers, stat_acks; /* answers received; new answers acknowledged */
	int64_t stat_commits;            /* answer group commits (stat_acks / stat_commits = batch size) */
} arena;

#endif
