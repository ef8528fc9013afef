/*
 * test_certs_util.h - what the certificate tests share: a fixture with a
 * fresh ES256 key, its signer and key set, and a record with every field.
 */
#ifndef TEST_CERTS_UTIL_H
#define TEST_CERTS_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "certs.h"

/* 64 Chinese characters: the longest name the tests render. */
#define NAME64                                                                                                                                             \
	"欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱" \
	"欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱"

typedef struct certs_fixture {
	certs_key *key;
	certs_signer *signer;
	certs_keyset *keys;
	certs_record rec;
} certs_fixture;

static inline int certs_fixture_setup(void **state)
{
	certs_fixture *f = calloc(1, sizeof *f);
	if (!f || certs_key_generate(&f->key, CERTS_ALG_ES256) || certs_signer_new(&f->signer, f->key) ||
	    certs_keyset_new(&f->keys) || certs_keyset_add(f->keys, f->key))
		return -1;
	certs_record *r = &f->rec;
	if (certs_record_new_id(f->signer, r))
		return -1;
	r->contest_code = "DEMO-2026";
	r->contest_title = "2026年电工技能竞赛";
	r->name = "张三";
	r->employee_no = "E1024";
	r->unit = "国网南京供电公司";
	r->award = "一等奖";
	r->kind = CERTS_KIND_AWARD;
	r->has_score = 1;
	r->score_milli = 96500;
	r->rank = 1;
	r->issued_at = 1796428800; /* 2026-12-05 */
	r->issuer = "江苏省总工会";
	r->template_id = "default";
	r->verify_base = "https://skills.example.cn/verify";
	*state = f;
	return 0;
}

static inline int certs_fixture_teardown(void **state)
{
	certs_fixture *f = *state;
	certs_signer_free(f->signer);
	certs_keyset_free(f->keys);
	certs_key_free(f->key);
	free(f);
	return 0;
}

#endif
