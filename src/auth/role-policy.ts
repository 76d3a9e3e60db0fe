/**
 * Which key roles may perform which operation.
 *
 * App Store Connect answers a valid token whose key's role does not allow the
 * operation with 403 FORBIDDEN_ERROR, but Apple publishes no table of roles
 * per API operation. This table is Stratus's own: every role reads, every
 * role starts builds, and only ADMIN and APP_MANAGER change what gets built
 * (workflows) or delete products.
 */
import { forbidden } from '../errors.ts';
import type { KeyRole } from './api-key.ts';

/** An operation as the contract names it, e.g. `{ method: 'POST', path: '/v1/ciWorkflows' }`. */
export interface RoleCheckedOperation {
  method: string;
  path: string;
}

const EVERY_ROLE: readonly KeyRole[] = ['ADMIN', 'APP_MANAGER', 'DEVELOPER'];
const MANAGERS: readonly KeyRole[] = ['ADMIN', 'APP_MANAGER'];

/*
 * Writes by contract path. A write not listed here needs a manager, so an
 * operation added to the contract later is never open to every role by mistake.
 */
const WRITE_ROLES: ReadonlyMap<string, readonly KeyRole[]> = new Map([
  ['POST /v1/ciBuildRuns', EVERY_ROLE],
  ['POST /v1/ciWorkflows', MANAGERS],
  ['PATCH /v1/ciWorkflows/{id}', MANAGERS],
  ['DELETE /v1/ciWorkflows/{id}', MANAGERS],
  ['DELETE /v1/ciProducts/{id}', MANAGERS],
]);

/** The roles that may perform an operation; every role may read. */
export function rolesAllowed(operation: RoleCheckedOperation): readonly KeyRole[] {
  if (operation.method.toUpperCase() === 'GET') return EVERY_ROLE;
  return WRITE_ROLES.get(`${operation.method.toUpperCase()} ${operation.path}`) ?? MANAGERS;
}

/**
 * Throws 403 FORBIDDEN_ERROR when a key of `role` may not perform `operation`.
 *
 * @example
 * checkRole('DEVELOPER', { method: 'DELETE', path: '/v1/ciProducts/{id}' }); // throws 403
 */
export function checkRole(role: KeyRole, operation: RoleCheckedOperation): void {
  const allowed = rolesAllowed(operation);
  if (allowed.includes(role)) return;
  throw forbidden(
    `A key with the ${role} role cannot ${operation.method.toUpperCase()} ${operation.path}; ` +
      `it needs a key with the ${allowed.join(' or ')} role.`,
  );
}
