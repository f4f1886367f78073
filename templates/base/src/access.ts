import type { AuthInfo, McpRequestContext } from '@modelcontextprotocol/server';

/**
 * Who may use which tool, resource and prompt (docs/ARCHITECTURE.md, "Access"). A definition lists the scopes
 * it needs (`scopes: ['notes:write']`); a caller holds the scopes authentication granted (`AuthInfo.scopes`: a
 * token's `scope` claim, an API key's `scopes=`). A caller who lacks one does not see the definition in the
 * lists, and a call to it is refused: 403 `insufficient_scope` over HTTP (MCP spec, authorization: scope
 * challenge).
 */

/** The scope of a credential that may use everything: a plain API key; the stdio user unless STDIO_SCOPES. */
export const EVERY_SCOPE = '*';

/** What a definition that declares no `scopes` needs: nothing (`allow`), or it is offered to nobody (`deny`). */
export type AccessPolicy = 'allow' | 'deny';

export interface Guarded {
  /** The scopes a caller needs, all of them; `[]` for every caller. Undeclared: AUTHZ_DEFAULT decides. */
  scopes?: readonly string[];
}

/**
 * The scopes of the caller of a request. An authenticated caller holds what authentication granted. Without
 * authentication, stdio is the user who started the server (STDIO_SCOPES, or everything), and HTTP is anyone:
 * with nothing to tell callers apart, every caller may use everything.
 */
export function grantedScopes(
  request: Pick<McpRequestContext, 'authInfo' | 'requestInfo'>,
  stdioScopes: readonly string[] | undefined,
): readonly string[] {
  if (request.authInfo) return request.authInfo.scopes;
  return request.requestInfo ? [EVERY_SCOPE] : (stdioScopes ?? [EVERY_SCOPE]);
}

/**
 * The scopes `definition` needs that `granted` lacks, `[]` when the caller may use it, or undefined when
 * nobody may (it declares none and the policy is `deny`).
 */
export function missingScopes(
  definition: Guarded,
  granted: readonly string[],
  policy: AccessPolicy,
): string[] | undefined {
  if (definition.scopes === undefined) return policy === 'allow' ? [] : undefined;
  if (granted.includes(EVERY_SCOPE)) return [];
  return definition.scopes.filter((scope) => !granted.includes(scope));
}

/** Whether the caller may see and use `definition`. */
export function mayUse(
  definition: Guarded,
  granted: readonly string[],
  policy: AccessPolicy,
): boolean {
  return missingScopes(definition, granted, policy)?.length === 0;
}

/** The tenant of an authenticated caller (`AuthInfo.extra.tenant`), if authentication named one. */
export function tenantOf(authInfo: AuthInfo | undefined): string | undefined {
  const tenant = authInfo?.extra?.tenant;
  return typeof tenant === 'string' ? tenant : undefined;
}
