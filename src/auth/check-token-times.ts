import type { JWTPayload } from 'jose';
import { notAuthorized } from '../errors.ts';

/**
 * Applies Apple's time rules to a verified payload, all in Unix seconds.
 * `skew` forgives clocks that disagree by up to that many seconds;
 * `maxLifetime` is 1200 s, or six months for a long-lived scoped token.
 *
 * @example
 * checkTokenTimes(payload, { now: 1767225600, skew: 60, maxLifetime: 1200 });
 */
export function checkTokenTimes(
  payload: JWTPayload,
  limits: { now: number; skew: number; maxLifetime: number },
): void {
  const { now, skew, maxLifetime } = limits;
  const { exp, iat, nbf } = payload;

  // Apple: every token carries `exp` as Unix seconds.
  if (!isSeconds(exp)) throw notAuthorized();

  // RFC 7519 §4.1.4: the token must not be used on or after `exp`, here with
  // the skew forgiven for a server clock running ahead of the client's.
  if (exp <= now - skew) throw notAuthorized();

  // RFC 7519 §4.1.5: not before `nbf`; the skew forgives a client ahead of us.
  if (nbf !== undefined && (!isSeconds(nbf) || nbf > now + skew)) throw notAuthorized();

  if (iat === undefined) {
    // Apple lists `iat`, but widely used clients leave it out, so it is
    // optional. The lifetime is then what remains until `exp`, which reads up
    // to `skew` longer when the client's clock is ahead; that band is
    // forgiven, exclusive of its far end as with `exp` above.
    if (exp - now >= maxLifetime + skew) throw notAuthorized();
    return;
  }

  // A token issued in the future is refused (Apple leaves this open).
  if (!isSeconds(iat) || iat > now + skew) throw notAuthorized();

  // Apple: lifetime is `exp - iat`, at most 20 minutes unless the scope makes
  // the token long-lived. Both values come from the token, so no skew applies;
  // and a token cannot expire before it was issued.
  const lifetime = exp - iat;
  if (lifetime <= 0 || lifetime > maxLifetime) throw notAuthorized();
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
