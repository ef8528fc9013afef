-- 070: certificates (证书) issued from a finished contest's final ranking
-- (docs/results.md, "证书"; server/api/certificates.c).
--
-- signing_keys: the public half of every key a server process signs with,
-- as a JWK (never a private member): every process of every machine serves
-- all of them at GET /.well-known/jwks.json and verifies with them, so a
-- certificate stays verifiable after its key was rotated (retired_at set,
-- the key kept). The private key stays in the file of --cert-key-file.
CREATE TABLE signing_keys (
    kid        text PRIMARY KEY,           -- RFC 7638 thumbprint of the public key
    alg        text NOT NULL CHECK (alg IN ('ES256', 'RS256')),
    public_jwk jsonb NOT NULL CHECK (NOT public_jwk ? 'd'),
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);

-- One row per certificate. id: 22 base64url characters of 128 random bits
-- (certs_record_new_id): knowing it is what lets anyone download and verify
-- it. record: the signed record (the JWS payload, as JSON); jws: the
-- certificate JWS the PDF carries; ob3: the Open Badges 3.0 VC-JWT. A
-- participant has at most one certificate per contest, kind and revision
-- (revision: the result release it was issued from, 0 for the ranking of
-- contest_results before releases exist); a revoked one stays (revoked_*).
-- No foreign key to contests: a certificate outlives a deleted contest
-- (contest_code keeps its code), as it outlives its printed copies.
CREATE TABLE certificates (
    id             text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22}$'),
    contest_id     bigint NOT NULL,
    contest_code   text NOT NULL,
    participant_id bigint NOT NULL,
    revision       int NOT NULL DEFAULT 0,
    kind           text NOT NULL CHECK (kind IN ('award', 'participation')),
    employee_no    text,
    name           text NOT NULL,
    unit           text NOT NULL DEFAULT '',
    award          text NOT NULL DEFAULT '',
    record         jsonb NOT NULL,
    jws            text NOT NULL,
    ob3            text NOT NULL,
    kid            text NOT NULL REFERENCES signing_keys(kid),
    issued_at      timestamptz NOT NULL DEFAULT now(),
    issued_by      bigint,
    revoked_at     timestamptz,
    revoked_by     bigint,
    revoke_reason  text,
    UNIQUE (contest_id, participant_id, kind, revision),
    CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE INDEX certificates_contest ON certificates (contest_id, kind, issued_at);
CREATE INDEX certificates_employee ON certificates (employee_no) WHERE employee_no IS NOT NULL;
