/*
 * err.h - error codes: functions return 0 or a negative SA_E_* code; the code
 * maps to a stable protocol name and a human message in zh-CN and English.
 */
#ifndef SKILLARENA_CORE_ERR_H
#define SKILLARENA_CORE_ERR_H

enum {
	SA_OK = 0,
	SA_E_BAD_JSON = -1,
	SA_E_BAD_MESSAGE = -2,
	SA_E_UNKNOWN_TYPE = -3,
	SA_E_TOO_LARGE = -4,
	SA_E_NOT_TEXT = -5,
	SA_E_UNKNOWN_CONTEST = -6,
	SA_E_INVALID_NAME = -7,
	SA_E_INVALID_FIELD = -8,
	SA_E_ALREADY_JOINED = -9,
	SA_E_CONTEST_FINISHED = -10,
	SA_E_BAD_TOKEN = -11,
	SA_E_NOT_JOINED = -12,
	SA_E_FORBIDDEN = -13,
	SA_E_NOT_OPEN = -14,
	SA_E_QUESTION_CLOSED = -15,
	SA_E_ALREADY_ANSWERED = -16,
	SA_E_OPTION_RANGE = -17,
	SA_E_INVALID_RESPONSE = -18,
	SA_E_BAD_STATE = -19,
	SA_E_CONFLICT = -20,
	SA_E_RATE_LIMITED = -21,
	SA_E_UNAVAILABLE = -22,
	SA_E_INTERNAL = -23,
	SA_E_NOT_FOUND = -24,         /* HTTP */
	SA_E_METHOD = -25,            /* HTTP */
	SA_E_BAD_REQUEST = -26,       /* HTTP: a request that is not well-formed HTTP/1.1 */
	SA_E_URI_TOO_LONG = -27,      /* HTTP 414 */
	SA_E_HEADERS_TOO_LARGE = -28, /* HTTP 431 */
	SA_E_UNAUTHENTICATED = -29,   /* HTTP 401: no valid credential for a route that needs one */
	SA_E_CONTEST_LIMIT = -30,     /* --max-contests are stored */
	SA_E_CONTEST_REMOVED = -31,   /* the contest was archived or deleted */
	SA_E_CONTEST_RESET = -32,     /* the contest was reset */
	SA_E_WRONG_MODE = -33,
	SA_E_OUTSIDE_WINDOW = -34,
	SA_E_NO_ATTEMPTS = -35,
	SA_E_ATTEMPT_CLOSED = -36,
	SA_E_CSRF = -37,          /* HTTP 403: a session's state-changing request without its CSRF token */
	SA_E_NOT_IN_ROSTER = -38, /* a real-name join that matches no worker of the contest's roster */
	SA_E_PAUSED = -39,        /* the host paused the question: the answer waits for the resume */
	SA_E_REMOVED = -40,       /* the host removed the participant */
	SA_E__COUNT = 41
};

const char *err_name(int code);                 /* "question_closed" */
const char *err_message(int code, int lang_en); /* zh-CN unless lang_en */
int err_http_status(int code);
/* Maps a scoring engine code (SCORE_E_*) to SA_E_*. */
int err_from_score(int score_code);

#endif
