/**
 * The statements of a data request's session work, run on the driver's pool (or the request's
 * transaction) as named prepared statements: parsed once per connection, sent as one round trip.
 *
 * A session is valid for a request when it belongs to the flow, is active and has not expired.
 * An envelope is claimed by inserting the hash of its AES key into flow_envelopes together with the
 * answer it gets; the primary key makes the first claim win, across processes.
 */

const SESSION_COLUMNS = 'token, flow, tenant, phone, user_id AS "userId", status, state, screens, expires_at AS "expiresAt"';

/** What a request ends with, as the answer statements take it. */
const SESSION_END = `
    screens = CASE WHEN $6::text IS NULL THEN s.screens ELSE s.screens || jsonb_build_object($6::text, $7::jsonb) END,
    status = CASE WHEN $8::boolean THEN 'completed' ELSE s.status END,
    completed_at = CASE WHEN $8::boolean THEN coalesce(s.completed_at, now()) ELSE s.completed_at END,
    updated_at = now()`;

/**
 * The whole session work of a request whose handler holds no lock (reads only): in one statement,
 * lock the session row if it is valid (policy `any`: open it on first sight), claim the envelope with
 * its answer, and record the screen shown (or the completion) — the last two only if the claim won.
 * $1 token, $2 flow, $3 session TTL (s), $4 key hash, $5 digest, $6 screen id or null, $7 its data,
 * $8 completes, $9 the encrypted answer, $10 the tenant whose endpoint was asked (null: single-tenant).
 * A session belongs to one tenant: another tenant's endpoint finds it invalid.
 * Answers `valid` (the session was valid) and `claimed` (this request's answer is the envelope's).
 * The row is found by its token alone (the primary key), then judged: with the flow and status in
 * the same condition, a plan made while the table was empty or unanalysed walks the (flow, status)
 * index, every session of the flow on every request.
 */
function answerStatement(policy: 'any' | 'issued'): string {
  const opened =
    policy === 'any'
      ? `opened AS (
    INSERT INTO flow_sessions AS s (token, flow, tenant, issued, expires_at, screens, status, completed_at)
    VALUES ($1, $2, $10::text, false, now() + make_interval(secs => $3::int),
            CASE WHEN $6::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($6::text, $7::jsonb) END,
            CASE WHEN $8::boolean THEN 'completed' ELSE 'active' END, CASE WHEN $8::boolean THEN now() END)
    ON CONFLICT (token) DO NOTHING
    RETURNING token, expires_at
  )`
      : `opened AS (SELECT token, expires_at FROM flow_sessions WHERE false AND $3::int IS NULL)`;
  return `
  WITH ${opened},
  found AS MATERIALIZED (
    SELECT token, flow, tenant, status, expires_at FROM flow_sessions WHERE token = $1 FOR NO KEY UPDATE
  ),
  locked AS (
    SELECT token, expires_at FROM found
     WHERE flow = $2 AND tenant IS NOT DISTINCT FROM $10::text AND status = 'active' AND expires_at > now()
  ),
  valid AS (SELECT token, expires_at FROM opened UNION ALL SELECT token, expires_at FROM locked),
  claim AS (
    INSERT INTO flow_envelopes (key_hash, digest, token, status, body, expires_at)
    SELECT $4, $5, token, 200, $9, expires_at FROM valid
    ON CONFLICT (key_hash) DO NOTHING
    RETURNING token
  ),
  ended AS (
    UPDATE flow_sessions s SET ${SESSION_END}
      FROM claim, locked WHERE s.token = claim.token AND s.token = locked.token
    RETURNING 1
  )
  SELECT EXISTS (SELECT 1 FROM valid) AS valid, EXISTS (SELECT 1 FROM claim) AS claimed, EXISTS (SELECT 1 FROM ended) AS ended`;
}

export const ANSWER = {
  any: { name: 'flowgate_answer_any', text: answerStatement('any') },
  issued: { name: 'flowgate_answer_issued', text: answerStatement('issued') },
} as const;

/**
 * The first statement of a request whose handler runs in the request's transaction: the session row,
 * locked until the commit (opened first under policy `any`), and what the envelope's AES key was
 * used for before, if anything (its answer only within the replay window). $1 token, $2 flow,
 * $3 session TTL (s), $4 key hash, $5 replay window (s), $6 the tenant (a session opened here is
 * theirs; the caller refuses one of another tenant).
 */
function lockStatement(policy: 'any' | 'issued'): string {
  const opened =
    policy === 'any'
      ? `opened AS (
    INSERT INTO flow_sessions (token, flow, tenant, issued, expires_at) VALUES ($1, $2, $6::text, false, now() + make_interval(secs => $3::int))
    ON CONFLICT (token) DO NOTHING
    RETURNING ${SESSION_COLUMNS}, completed_at AS "completedAt", true AS opened
  ),`
      : `opened AS (SELECT ${SESSION_COLUMNS}, completed_at AS "completedAt", true AS opened FROM flow_sessions WHERE false AND $2::text IS NULL AND $3::int IS NULL AND $6::text IS NULL),`;
  return `
  WITH ${opened}
  locked AS (SELECT ${SESSION_COLUMNS}, completed_at AS "completedAt", false AS opened FROM flow_sessions WHERE token = $1 FOR UPDATE),
  prior AS (
    SELECT digest, status, CASE WHEN created_at > now() - make_interval(secs => $5::int) THEN body END AS body
      FROM flow_envelopes WHERE key_hash = $4
  )
  SELECT r.*, p.digest AS "priorDigest", p.status AS "priorStatus", p.body AS "priorBody"
    FROM (SELECT * FROM opened UNION ALL SELECT * FROM locked) r LEFT JOIN prior p ON true`;
}

export const LOCK = {
  any: { name: 'flowgate_lock_any', text: lockStatement('any') },
  issued: { name: 'flowgate_lock_issued', text: lockStatement('issued') },
} as const;

/**
 * The last statement of a transactional request, sent together with its COMMIT: claim the envelope
 * with its answer and save what the request changed in its locked session.
 * $1 token, $2 key hash, $3 digest, $4 the encrypted answer, $5 new state or null, $6 screen id or
 * null, $7 its data, $8 completes.
 * The row lock keeps every other request on this token out, so the key can only have been claimed
 * under another token (a client reusing its AES key): the claim then fails on the primary key
 * (CLAIMED_KEY), which turns the COMMIT behind it into a rollback of everything the request did.
 */
export const SAVE = {
  name: 'flowgate_save',
  text: `
  WITH claim AS (
    INSERT INTO flow_envelopes (key_hash, digest, token, status, body, expires_at)
    SELECT $2, $3, token, 200, $4, expires_at FROM flow_sessions WHERE token = $1
    RETURNING token
  )
  UPDATE flow_sessions s SET
    state = coalesce($5::jsonb, s.state),
    version = s.version + CASE WHEN $5::jsonb IS NULL THEN 0 ELSE 1 END,
    ${SESSION_END.trim()}
  FROM claim WHERE s.token = claim.token
  RETURNING 1`,
} as const;

/** The error SAVE fails with when the envelope's key was claimed before (a unique violation on its primary key). */
export const CLAIMED_KEY = { code: '23505', constraint: 'flow_envelopes_pkey' } as const;

/**
 * Why a request found its session unusable or its envelope taken: the envelope's claim (its answer
 * only within the replay window) and the session, either of which may be missing.
 * $1 key hash, $2 token, $3 replay window (s).
 */
export const INSPECT = {
  name: 'flowgate_inspect',
  text: `
  SELECT e.digest, e.status AS "claimStatus", CASE WHEN e.created_at > now() - make_interval(secs => $3::int) THEN e.body END AS body,
         s.flow, s.tenant, s.status, s.expires_at AS "expiresAt", s.expires_at <= now() AS "pastExpiry"
    FROM (SELECT 1) one
    LEFT JOIN flow_envelopes e ON e.key_hash = $1
    LEFT JOIN flow_sessions s ON s.token = $2`,
} as const;

/** Marks an active session whose time is up as expired. $1 token. */
export const EXPIRE = {
  name: 'flowgate_expire',
  text: `UPDATE flow_sessions SET status = 'expired', updated_at = now() WHERE token = $1 AND status = 'active' AND expires_at <= now()`,
} as const;

/** The data last sent for one screen of a session (for an error shown on it). $1 token, $2 screen. */
export const SCREEN_DATA = {
  name: 'flowgate_screen_data',
  text: `SELECT screens -> $2::text AS data FROM flow_sessions WHERE token = $1`,
} as const;
