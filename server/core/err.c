/*
 * err.c - the error table: code -> protocol name -> zh-CN / English text.
 * The names are part of the protocol (docs/protocol.md): never rename one.
 */
#include "core/err.h"
#include "scoring.h"

static const struct {
	const char *name;
	int http;
	const char *zh;
	const char *en;
} errs[SA_E__COUNT] = {
	[0] = {"ok", 200, "成功", "ok"},
	[1] = {"bad_json", 400, "消息不是有效的 JSON 对象", "the message is not a valid JSON object"},
	[2] = {"bad_message", 400, "消息缺少必填字段或字段类型错误",
	       "a required field is missing or has the wrong type"},
	[3] = {"unknown_type", 400, "未知的消息类型", "unknown message type"},
	[4] = {"too_large", 413, "消息超过 16 KiB，已丢弃", "the message exceeds 16 KiB and was discarded"},
	[5] = {"not_text", 400, "只接受文本帧", "only text frames are accepted"},
	[6] = {"unknown_contest", 404, "竞赛代码不存在", "no contest has this code"},
	[7] = {"invalid_name", 400, "姓名须为 1–64 个字符且不含控制字符",
	       "the name must be 1-64 characters without control characters"},
	[8] = {"invalid_field", 400, "字段取值不合规则", "a field breaks its rule"},
	[9] = {"already_joined", 409, "已经加入：请在原设备上继续，或联系主持人",
	       "already joined: continue on the original device or ask the host"},
	[10] = {"contest_finished", 409, "竞赛已结束", "the contest is over"},
	[11] = {"bad_token", 401, "恢复令牌无效", "unknown resume token"},
	[12] = {"not_joined", 400, "请先加入竞赛", "join the contest first"},
	[13] = {"forbidden", 403, "无权执行此操作", "not allowed"},
	[14] = {"not_open", 409, "当前没有开放此题", "this question is not open"},
	[15] = {"question_closed", 409, "答题时间已过", "time is up for this question"},
	[16] = {"already_answered", 409, "本题已作答，不能更改", "this question is already answered"},
	[17] = {"option_out_of_range", 400, "选项超出范围", "option out of range"},
	[18] = {"invalid_response", 400, "答案格式不符合题型", "the response does not fit the question type"},
	[19] = {"bad_state", 409, "当前阶段不允许此操作", "not allowed in the current phase"},
	[20] = {"conflict", 409, "状态已被其他主持人更改",
		"another host changed the state at the same moment"},
	[21] = {"rate_limited", 429, "操作过于频繁，请稍后", "too many messages; slow down"},
	[22] = {"unavailable", 503, "服务暂时不可用，答案未保存，请重试",
		"service unavailable; nothing was stored, retry"},
	[23] = {"internal", 500, "服务器内部错误", "internal server error"},
	[24] = {"not_found", 404, "未找到", "not found"},
	[25] = {"method_not_allowed", 405, "不支持此请求方法", "method not allowed"},
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
