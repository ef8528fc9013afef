-- 090: a certificate template per contest (证书模板: title, texts, issuer,
-- date line, colours, fonts, an optional seal image), and the template each
-- certificate was issued with (docs/results.md, "证书模板"; docs/api.md,
-- "Certificate templates"; server/api/certtemplate.c, server/store/certtpl.c).
--
-- cert_template_versions: every version an organizer made, immutable and
-- addressed by its content: hash = cert_template_hash(template, seal), the
-- SHA-256 of the template's JSON and the seal's bytes. template is the JSON
-- object of the members the organizer set (the strict form of
-- certs/template.c; a member left out takes the built-in default), seal the
-- PNG (at most 512 KiB, checked by decoding it before it is stored).
-- No foreign key to contests: like certificates, a version outlives a
-- deleted contest when certificates were issued with it.
CREATE TABLE cert_template_versions (
    hash       text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    template   text NOT NULL CHECK (template::jsonb IS NOT NULL AND jsonb_typeof(template::jsonb) = 'object'),
    seal       bytea CHECK (seal IS NULL OR octet_length(seal) BETWEEN 8 AND 524288),
    created_by bigint,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION cert_template_hash(template text, seal bytea) RETURNS text
    LANGUAGE sql IMMUTABLE AS
$$ SELECT encode(sha256(convert_to(template, 'UTF8') || '\x00'::bytea || coalesce(seal, ''::bytea)), 'hex') $$;

-- The version in force for a contest (none: the server's built-in template).
-- Each change (PUT template, PUT or DELETE seal) makes or finds a version and
-- points here at it in one statement; the audit log has certificate.template
-- and certificate.seal entries with the hashes before and after.
CREATE TABLE cert_templates (
    contest_id bigint PRIMARY KEY REFERENCES contests(id) ON DELETE CASCADE,
    hash       text NOT NULL REFERENCES cert_template_versions(hash),
    updated_by bigint,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The version a certificate was issued with (NULL: the built-in template,
-- "default" in its signed record); its PDF is rendered with it on every
-- download. A version no contest uses and no certificate names may be
-- removed (the API does so after a change, best effort).
ALTER TABLE certificates ADD COLUMN template_hash text REFERENCES cert_template_versions(hash);
CREATE INDEX certificates_template ON certificates (template_hash) WHERE template_hash IS NOT NULL;
