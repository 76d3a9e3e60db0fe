import { notAuthorized } from '../errors.ts';

/*
 * RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token, where b64token is
 * 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". The scheme
 * name is case-insensitive (RFC 9110 §11.1), so `bearer` is accepted too.
 */
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Takes the token out of an `Authorization` header value. App Store Connect
 * accepts only `Authorization: Bearer <JWT>` (security scheme
 * `itc-bearer-token`); anything else — no header, another scheme such as
 * Basic, an empty token — is a 401.
 *
 * @example
 * readBearerToken('Bearer eyJhbGciOi...'); // 'eyJhbGciOi...'
 */
export function readBearerToken(authorization: string | undefined): string {
  if (typeof authorization !== 'string') throw notAuthorized();

  const match = BEARER_CREDENTIALS.exec(authorization.trim());
  if (match === null) throw notAuthorized();
  return match[1]!;
}
