/*
 * err.c - the error table: code -> protocol name -> zh-CN / English text.
 * The names are part of the protocol (docs/protocol.md): never rename one.
 */
#include "core/err.h"
#include "scoring.h"

/* Indexed by -code: every code has a row (tests/unit/test_err.c checks it). */
static const struct {
	const char *name;
	int http;
	const char *zh;
	const char *en;
} errs[SA_E__COUNT] = {
	[SA_OK] = {"ok", 200, "成功", "ok"},
	[-SA_E_BAD_JSON] = {"bad_json", 400, "消息不是有效的 JSON 对象",
			    "the message is not a valid JSON object"},
	[-SA_E_BAD_MESSAGE] = {"bad_message", 400, "消息缺少必填字段或字段类型错误",
			       "a required field is missing or has the wrong type"},
	[-SA_E_UNKNOWN_TYPE] = {"unknown_type", 400, "未知的消息类型", "unknown message type"},
	[-SA_E_TOO_LARGE] = {"too_large", 413, "消息超过 16 KiB，已丢弃",
			     "the message exceeds 16 KiB and was discarded"},
	[-SA_E_NOT_TEXT] = {"not_text", 400, "只接受文本帧", "only text frames are accepted"},
	[-SA_E_UNKNOWN_CONTEST] = {"unknown_contest", 404, "竞赛代码不存在", "no contest has this code"},
	[-SA_E_INVALID_NAME] = {"invalid_name", 400, "姓名须为 1–64 个字符且不含控制字符",
				"the name must be 1-64 characters without control characters"},
	[-SA_E_INVALID_FIELD] = {"invalid_field", 400, "字段取值不合规则", "a field breaks its rule"},
	[-SA_E_ALREADY_JOINED] = {"already_joined", 409,
				  "该工号已加入：请在原来的手机上继续；换了手机，请主持人放行后再加入",
				  "this employee number has already joined: continue on the phone you joined "
				  "with, or ask the organizer to release it, then join again"},
	[-SA_E_CONTEST_FINISHED] = {"contest_finished", 409, "竞赛已结束", "the contest is over"},
	[-SA_E_BAD_TOKEN] = {"bad_token", 401, "恢复令牌无效", "unknown resume token"},
	[-SA_E_NOT_JOINED] = {"not_joined", 400, "请先加入竞赛", "join the contest first"},
	[-SA_E_FORBIDDEN] = {"forbidden", 403, "无权执行此操作", "not allowed"},
	[-SA_E_NOT_OPEN] = {"not_open", 409, "当前没有开放此题", "this question is not open"},
	[-SA_E_QUESTION_CLOSED] = {"question_closed", 409, "答题时间已过", "time is up for this question"},
	[-SA_E_ALREADY_ANSWERED] = {"already_answered", 409, "本题已作答，不能更改",
				    "this question is already answered"},
	[-SA_E_OPTION_RANGE] = {"option_out_of_range", 400, "选项超出范围", "option out of range"},
	[-SA_E_INVALID_RESPONSE] = {"invalid_response", 400, "答案格式不符合题型",
				    "the response does not fit the question type"},
	[-SA_E_BAD_STATE] = {"bad_state", 409, "当前阶段不允许此操作", "not allowed in the current phase"},
	[-SA_E_CONFLICT] = {"conflict", 409, "状态已被其他主持人更改",
			    "another host changed the state at the same moment"},
	[-SA_E_RATE_LIMITED] = {"rate_limited", 429, "操作过于频繁，请稍后", "too many messages; slow down"},
	[-SA_E_UNAVAILABLE] = {"unavailable", 503, "服务暂时不可用，答案未保存，请重试",
			       "service unavailable; nothing was stored, retry"},
	[-SA_E_INTERNAL] = {"internal", 500, "服务器内部错误", "internal server error"},
	[-SA_E_NOT_FOUND] = {"not_found", 404, "未找到", "not found"},
	[-SA_E_METHOD] = {"method_not_allowed", 405, "不支持此请求方法", "method not allowed"},
	[-SA_E_BAD_REQUEST] = {"bad_request", 400, "请求格式错误", "malformed request"},
	[-SA_E_URI_TOO_LONG] = {"uri_too_long", 414, "请求地址过长", "the request URL is too long"},
	[-SA_E_HEADERS_TOO_LARGE] = {"headers_too_large", 431, "请求头过大",
				     "the request headers are too large"},
	[-SA_E_UNAUTHENTICATED] = {"unauthenticated", 401, "需要登录或有效的令牌",
				   "a valid session or token is needed"},
	[-SA_E_CONTEST_LIMIT] =
		{"contest_limit", 409, "竞赛数量已达上限（max-contests）：请先归档或删除一个竞赛",
		 "the most contests this server may hold are stored (max-contests): archive or "
		 "delete one first"},
	[-SA_E_CONTEST_REMOVED] = {"contest_removed", 410, "该竞赛已被归档或删除",
				   "this contest was archived or deleted"},
	[-SA_E_CONTEST_RESET] = {"contest_reset", 409, "竞赛已被重置：请重新加入",
				 "the contest was reset: join again"},
	[-SA_E_WRONG_MODE] = {"wrong_mode", 409, "本竞赛的模式不支持此操作",
			      "this message belongs to another mode than the contest's"},
	[-SA_E_OUTSIDE_WINDOW] = {"outside_window", 409, "不在开放答题时间内",
				  "outside the contest's window: it has not opened yet or has closed"},
	[-SA_E_NO_ATTEMPTS] = {"no_attempts_left", 409, "答题次数已用完", "every attempt allowed is used"},
	[-SA_E_ATTEMPT_CLOSED] = {"attempt_closed", 409, "本次答题已交卷，不能再作答",
				  "this attempt has ended: nothing more can be saved"},
	[-SA_E_CSRF] = {"csrf_failed", 403, "请求缺少有效的 CSRF 令牌，请刷新页面后重试",
			"the request lacks its CSRF token (X-CSRF-Token): reload the page and retry"},
	[-SA_E_NOT_IN_ROSTER] = {"not_in_roster", 403, "工号与姓名不在本次竞赛名单中，请联系组织者",
				 "the employee number and name are not on this contest's roster: ask the "
				 "organizer"},
	[-SA_E_PAUSED] = {"paused", 409, "主持人已暂停本题，答案未提交：继续后请重新提交",
			  "the host paused the question; nothing was stored: send it again when it resumes"},
	[-SA_E_REMOVED] = {"removed", 403, "主持人已将你移出本场竞赛；如有疑问，请联系主持人",
			   "the host removed you from this contest; ask the organizer if this is a mistake"},
};

static int err_index(int code)
{
	int i = -code;
	return (i >= 0 && i < SA_E__COUNT) ? i : -SA_E_INTERNAL;
}

const char *err_name(int code) { return errs[err_index(code)].name; }

const char *err_message(int code, int lang_en)
{
	return lang_en ? errs[err_index(code)].en : errs[err_index(code)].zh;
}

int err_http_status(int code) { return errs[err_index(code)].http; }

int err_from_score(int score_code)
{
	switch (score_code) {
	case SCORE_E_RANGE:
		return SA_E_OPTION_RANGE;
	case SCORE_E_RESPONSE:
		return SA_E_INVALID_RESPONSE;
	default:
		return SA_E_INTERNAL;
	}
}
