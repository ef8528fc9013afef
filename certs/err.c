/*
 * err.c - the certificate library's result codes: a stable name for logs and
 * protocols, and a message in zh-CN and English, one row per code.
 */
#include <stddef.h>

#include "certs.h"

static const struct {
	int code;
	const char *name, *zh, *en;
} err_table[] = {
	{CERTS_OK, "ok", "成功", "success"},
	{CERTS_E_NOMEM, "out_of_memory", "内存不足", "out of memory"},
	{CERTS_E_INVALID, "invalid_argument", "参数或证书字段无效", "invalid argument or certificate field"},
	{CERTS_E_UTF8, "invalid_utf8", "文本不是有效的 UTF-8", "text is not valid UTF-8"},
	{CERTS_E_IO, "io_error", "文件无法读取或写入", "a file could not be read or written"},
	{CERTS_E_KEY, "bad_key", "密钥无法解析或使用", "the key cannot be parsed or used"},
	{CERTS_E_CRYPTO, "crypto_error", "密码库出错", "the crypto library failed"},
	{CERTS_E_FORMAT, "malformed_token", "签名数据格式错误（不是有效的 JWS）",
	 "malformed token (not a compact JWS)"},
	{CERTS_E_ALG, "wrong_alg", "签名算法不被接受", "signature algorithm not accepted"},
	{CERTS_E_KID, "unknown_kid", "签名密钥未知（不在受信任的公钥中）",
	 "unknown signing key (kid not trusted)"},
	{CERTS_E_SIGNATURE, "bad_signature", "签名无效：证书内容可能被篡改",
	 "bad signature: the content may have been altered"},
	{CERTS_E_TAMPERED, "tampered_payload", "证书数据被篡改或不是发证方签发的格式", "tampered payload"},
	{CERTS_E_EXPIRED, "expired", "证书已过有效期", "the certificate has expired"},
	{CERTS_E_NOT_YET, "not_yet_valid", "证书尚未生效", "the certificate is not valid yet"},
	{CERTS_E_REVOKED, "revoked", "证书已被撤销", "the certificate has been revoked"},
	{CERTS_E_REVOCATION, "revocation_check_failed", "无法检查证书是否被撤销",
	 "the revocation check failed"},
	{CERTS_E_TYPE, "wrong_token_type", "不是证书签名数据", "not a certificate token"},
	{CERTS_E_NOT_FOUND, "no_signature_found", "文件中没有找到证书签名",
	 "no certificate signature in the file"},
	{CERTS_E_RENDER, "render_failed", "证书 PDF 生成失败", "the certificate PDF could not be rendered"},
	{CERTS_E_TEMPLATE, "bad_template", "证书模板无效", "invalid certificate template"},
};

const char *certs_errname(int code)
{
	for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
		if (err_table[i].code == code)
			return err_table[i].name;
	return "unknown";
}

static int lang_en(const char *lang)
{
	return lang && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N') &&
	       (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

const char *certs_strerror(int code, const char *lang)
{
	for (size_t i = 0; i < sizeof err_table / sizeof err_table[0]; i++)
		if (err_table[i].code == code)
			return lang_en(lang) ? err_table[i].en : err_table[i].zh;
	return lang_en(lang) ? "unknown error" : "未知错误";
}
